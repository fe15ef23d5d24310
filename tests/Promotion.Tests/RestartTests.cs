using System.Net;
using System.Net.Http.Json;
using Commerce.Promotion.Contracts;
using Commerce.ServiceDefaults;
using Commerce.ShoppingCart.Contracts;

namespace Commerce.Promotion.Tests;

/// <summary>
/// State that must come from the database alone: each test stops the host and starts a new one on the same database
/// with other settings (the schedule sweeper on, win-back on), as a deployment or a crash would.
/// </summary>
public sealed class RestartTests(PromotionHost host) : IClassFixture<PromotionHost>
{
    [Fact]
    public async Task Sweeper_AfterARestartPastStartAndEnd_FiresTheEventsFromTheDatabase()
    {
        var starting = await host.CreatePromotionAsync(startsIn: TimeSpan.FromHours(1), runsFor: TimeSpan.FromDays(1), name: "Starts while down");
        var ending = await host.CreatePromotionAsync(runsFor: TimeSpan.FromHours(2), name: "Ends while down");
        var passing = await host.CreatePromotionAsync(startsIn: TimeSpan.FromMinutes(10), runsFor: TimeSpan.FromMinutes(30), name: "Whole window while down");

        host.Clock.Advance(TimeSpan.FromHours(3));
        // The new host's sweeper makes its first pass at start.
        await host.RestartAsync(new Dictionary<string, string?> { ["Promotion:Schedule:Enabled"] = "true", ["Promotion:Schedule:Interval"] = "00:00:00.200" });

        await WaitForAsync(async () => (await host.Sql.EventTypesAsync("promotion", passing.Id.ToString())).Count > 0);
        await WaitForAsync(async () => (await host.Sql.EventTypesAsync("promotion", starting.Id.ToString())).Count > 0);
        await WaitForAsync(async () => (await host.Sql.EventTypesAsync("promotion", ending.Id.ToString())).Count > 1);
        Assert.Equal([nameof(PromotionActivated)], await host.Sql.EventTypesAsync("promotion", starting.Id.ToString()));
        Assert.Equal([nameof(PromotionActivated), nameof(PromotionExpired)], await host.Sql.EventTypesAsync("promotion", ending.Id.ToString()));
        Assert.Equal([nameof(PromotionExpired)], await host.Sql.EventTypesAsync("promotion", passing.Id.ToString()));
        Assert.Equal(PromotionStatus.Active, (await GetAsync(starting.Id)).Status);
        Assert.Equal(PromotionStatus.Expired, (await GetAsync(ending.Id)).Status);
        Assert.Equal(PromotionStatus.Expired, (await GetAsync(passing.Id)).Status);

        // Running on its timer, it moves what falls due later too.
        host.Clock.Advance(TimeSpan.FromDays(1));
        await WaitForAsync(async () => (await host.Sql.EventTypesAsync("promotion", starting.Id.ToString())).Count > 1);
        Assert.Equal(PromotionStatus.Expired, (await GetAsync(starting.Id)).Status);
    }

    [Fact]
    public async Task WinBack_OffByDefault_IssuesNothing_OnIssuesOnePersonalCouponPerCart()
    {
        var winBack = await host.CreatePromotionAsync(PromotionHost.Percent(15), runsFor: TimeSpan.FromDays(60), name: "Come back");
        var (cart, customer) = (Guid.NewGuid(), Guid.NewGuid());
        var abandoned = new CartAbandoned(cart, customer, 2, 80m, "USD", host.Clock.GetUtcNow());

        await host.RestartAsync(new Dictionary<string, string?>());
        var whileOff = await host.Client.DeliverAsync("promotion", host.Envelope("ShoppingCart", cart, 3, abandoned));
        var couponsWhileOff = await host.Sql.CountAsync("promotion.coupons", "customer_id = $1", customer);

        await host.RestartAsync(new Dictionary<string, string?>
        {
            ["Promotion:WinBack:Enabled"] = "true",
            ["Promotion:WinBack:PromotionId"] = winBack.Id.ToString(),
        });
        await host.Client.DeliverAsync("promotion", host.Envelope("ShoppingCart", cart, 5, abandoned));
        // A second idle spell of the same cart: still one coupon.
        await host.Client.DeliverAsync("promotion", host.Envelope("ShoppingCart", cart, 7, abandoned));

        Assert.Equal(Commerce.ServiceDefaults.Messaging.InboxOutcome.Processed, whileOff);
        Assert.Equal(0, couponsWhileOff);
        var code = await host.Sql.ScalarAsync<string>("SELECT code FROM promotion.coupons WHERE customer_id = $1", customer);
        Assert.Matches("^WB-[A-HJKMNP-Z2-9]{10}$", code);
        var coupon = await host.CouponAsync(code);
        Assert.Equal((winBack.Id, 1, 1, customer, 0), (coupon.PromotionId, coupon.UsageLimit!.Value, coupon.PerCustomerLimit, coupon.CustomerId!.Value, coupon.Used));
    }

    [Fact]
    public async Task WinBack_CouponIsPersonal_AndAnnouncedWithCouponIssued()
    {
        var winBack = await host.CreatePromotionAsync(PromotionHost.Percent(15), runsFor: TimeSpan.FromDays(60), name: "Win back");
        var (cart, customer) = (Guid.NewGuid(), Guid.NewGuid());
        await host.RestartAsync(new Dictionary<string, string?>
        {
            ["Promotion:WinBack:Enabled"] = "true",
            ["Promotion:WinBack:PromotionId"] = winBack.Id.ToString(),
        });

        await host.Client.DeliverAsync("promotion", host.Envelope("ShoppingCart", cart, 1,
            new CartAbandoned(cart, customer, 1, 20m, "USD", host.Clock.GetUtcNow())));

        var code = await host.Sql.ScalarAsync<string>("SELECT code FROM promotion.coupons WHERE customer_id = $1", customer);
        var events = await host.Sql.RowsAsync("SELECT type, payload::text FROM promotion.outbox_messages WHERE aggregate_id = $1", code);
        Assert.Equal(nameof(CouponIssued), (string)Assert.Single(events)[0]!);
        var payload = System.Text.Json.JsonSerializer.Deserialize<CouponIssued>((string)events[0][1]!, CommerceJson.Options)!;
        Assert.Equal(new CouponIssued(winBack.Id, code, customer, "Win back", winBack.EndsAt), payload);
        Assert.Equal(HttpStatusCode.OK, (await host.ValidateAsync(code, customer)).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await host.ValidateAsync(code, Guid.NewGuid())).StatusCode);
    }

    private async Task<PromotionResponse> GetAsync(Guid id) =>
        (await host.Client.GetFromJsonAsync<PromotionResponse>($"/promotions/{id}", CommerceJson.Options))!;

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, "Timed out waiting for the sweeper.");
            await Task.Delay(50);
        }
    }
}
