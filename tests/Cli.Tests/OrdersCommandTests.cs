using System.CommandLine;
using System.Text.Json;
using Commerce.SagaTesting;
using Commerce.Workflows.OrderSaga;

namespace Commerce.Cli.Tests;

/// <summary>The operator CLI against real sagas (fake owners) on the offline Temporal server, in process.</summary>
public sealed class OrdersCommandTests(SagaServer server) : IClassFixture<SagaServer>
{
    [Fact]
    public async Task List_Stuck_ShowsOnlyParkedOrdersWithTheirFailedStep()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.FailAlways(SagaSteps.ReserveInventory, "inventory is down");
        var stuck = SagaHarness.NewOrder();
        await harness.SubmitAsync(stuck);

        var (exit, output, _) = await RunAsync("orders", "list", "--stuck");

        Assert.Equal(ExitCodes.Success, exit);
        var row = Assert.Single(output.Split('\n'), line => line.Contains(stuck.OrderId.ToString(), StringComparison.Ordinal));
        Assert.Contains(SagaSteps.ReserveInventory, row, StringComparison.Ordinal);
        Assert.Contains("yes", row, StringComparison.Ordinal);
        await harness.Handle(stuck).TerminateAsync("test done");
    }

    [Fact]
    public async Task List_Json_IsParseableAndFiltersByStatus()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.Reject(SagaSteps.ReserveInventory, Activities.BusinessFailures.OutOfStock, "none left");
        var rejected = SagaHarness.NewOrder();
        await harness.SubmitAsync(rejected);
        await harness.Handle(rejected).GetResultAsync();

        var (exit, output, _) = await RunAsync("orders", "list", "--status", SagaStages.Rejected, "--json");

        Assert.Equal(ExitCodes.Success, exit);
        using var json = JsonDocument.Parse(output);
        var orders = json.RootElement.EnumerateArray().ToList();
        Assert.Contains(orders, o => o.GetProperty("orderId").GetString() == rejected.OrderId.ToString());
        Assert.All(orders, o => Assert.Equal(SagaStages.Rejected, o.GetProperty("stage").GetString()));
    }

    [Fact]
    public async Task Show_ParkedOrder_PrintsStageLastErrorAndTimeline()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.FailAlways(SagaSteps.CapturePayment, "gateway outage");
        var order = SagaHarness.NewOrder();
        await harness.SubmitAsync(order);
        await harness.WaitForStatusAsync(order, status => status.NeedsAttention);

        var (exit, output, _) = await RunAsync("orders", "show", order.OrderId.ToString());

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("capture-payment failed", output, StringComparison.Ordinal);
        Assert.Contains("gateway outage", output, StringComparison.Ordinal);
        Assert.Contains(SagaSteps.AuthorizePayment, output, StringComparison.Ordinal);
        await harness.Handle(order).TerminateAsync("test done");
    }

    [Fact]
    public async Task Show_UnknownOrder_ExitsNotFoundWithAClearMessage()
    {
        var (exit, _, error) = await RunAsync("orders", "show", Guid.NewGuid().ToString());

        Assert.Equal(ExitCodes.NotFound, exit);
        Assert.Contains("No saga exists for order", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_StuckOrder_ResumesItToDelivered()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.FailAlways(SagaSteps.ReserveInventory, "inventory is down");
        var order = SagaHarness.NewOrder();
        await harness.SubmitAsync(order);
        harness.Owners.Heal(SagaSteps.ReserveInventory);

        var (exit, output, _) = await RunAsync("orders", "retry", order.OrderId.ToString());

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("retried", output, StringComparison.Ordinal);
        Assert.Equal(SagaStages.Delivered, (await harness.Handle(order).GetResultAsync()).Outcome);
    }

    [Fact]
    public async Task Retry_OrderThatIsNotStuck_IsRefusedWithItsOwnExitCode()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.CarrierDeliversAtOnce = false;
        var order = SagaHarness.NewOrder();
        await harness.SubmitAsync(order);

        var (exit, _, error) = await RunAsync("orders", "retry", order.OrderId.ToString());

        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Contains("not waiting for an operator", error, StringComparison.Ordinal);
        await harness.Handle(order).TerminateAsync("test done");
    }

    [Fact]
    public async Task RetryAllStuck_SeveralParkedOrders_ResumesEveryOne()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.FailAlways(SagaSteps.ReserveInventory, "inventory is down");
        var orders = new[] { SagaHarness.NewOrder(), SagaHarness.NewOrder(), SagaHarness.NewOrder() };
        foreach (var order in orders)
        {
            await harness.SubmitAsync(order);
        }

        harness.Owners.Heal(SagaSteps.ReserveInventory);

        var (exit, output, _) = await RunAsync("orders", "retry", "--all-stuck");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("Retried", output, StringComparison.Ordinal);
        foreach (var order in orders)
        {
            Assert.Equal(SagaStages.Delivered, (await harness.Handle(order).GetResultAsync()).Outcome);
        }
    }

    [Fact]
    public async Task Cancel_AcceptedOrder_CompensatesAndReportsTheStage()
    {
        await using var harness = SagaHarness.Start(server);
        harness.Owners.FailAlways(SagaSteps.CreateShipment, "carrier is down");
        var order = SagaHarness.NewOrder();
        await harness.SubmitAsync(order);
        await harness.WaitForStatusAsync(order, status => status.NeedsAttention);

        var (exit, _, _) = await RunAsync("orders", "cancel", order.OrderId.ToString(), "--reason", "Customer asked");

        Assert.Equal(ExitCodes.Success, exit);
        var result = await harness.Handle(order).GetResultAsync();
        Assert.Equal(SagaStages.Cancelled, result.Outcome);
        Assert.Equal("Customer asked", result.Reason);
    }

    [Fact]
    public async Task AnyCommand_TemporalUnreachable_ExitsUnreachableWithoutAStackTrace()
    {
        var (exit, output, error) = await RunAsync(["orders", "list", "--address", "127.0.0.1:1"], address: null);

        Assert.Equal(ExitCodes.Unreachable, exit);
        Assert.Contains("Cannot reach Temporal at 127.0.0.1:1", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error + output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("orders", "retry")]
    [InlineData("orders", "retry", "--all-stuck", "3f1c0b5e-9a0a-4a57-8d0e-2b8e6f0c1d22")]
    [InlineData("orders", "show", "not-a-guid")]
    [InlineData("orders", "list", "--status", "Lost")]
    [InlineData("orders", "list", "--limit", "0")]
    [InlineData("orders", "frobnicate")]
    public async Task MalformedCommandLine_ExitsUsageAndSaysWhy(params string[] args)
    {
        var (exit, _, error) = await RunAsync(args);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) =>
        RunAsync(args, server.Address);

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string[] args, string? address)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] withAddress = address is null ? args : [.. args, "--address", address];
        var exit = await CommerceCommand.RunAsync(withAddress, new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
