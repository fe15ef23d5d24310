using System.Net;
using System.Text.Json;
using Commerce.Checkout.Contracts;
using Commerce.Customer.Contracts;
using Commerce.Host.Testing;
using Commerce.Order.Contracts;
using Commerce.Payment.Contracts;
using Commerce.Review.Contracts;
using Commerce.ServiceDefaults;
using Commerce.Testing;
using Commerce.Workflows.OrderSaga;
using Refit;

namespace Commerce.Checkout.Tests;

/// <summary>
/// Data-subject requests in the running shop, over HTTP with real tokens and the real workflow: a customer who
/// registered, added an address, had an order delivered and reviewed it asks for their data (one document, from every
/// context that holds some) and then for its erasure; afterwards no table of any schema holds any of their personal
/// strings, they cannot sign in, and the shop's accounts add up as before.
/// </summary>
public sealed class DataSubjectRequestTests(ShopSystem shop) : IClassFixture<ShopSystem>
{
    private static readonly RefitSettings Refit = new() { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) };

    [Fact]
    public async Task AccessThenErasure_DocumentHoldsEveryContextsData_ThenNoTableHoldsThePersonsStrings_AndTotalsStand()
    {
        // Letters no GUID or timestamp holds, so a match in any column can only be this person's data.
        var tag = new string([.. Guid.NewGuid().ToString("N").Select(c => (char)('k' + (c % 16)))]);
        var person = new
        {
            Name = $"Zebedee Quillfeather {tag[..8]}",
            Email = $"zq-{tag[..12]}@example.com",
            Phone = $"+4477009{Random.Shared.Next(10000, 99999)}",
            Street = $"7 Quillfeather Mews {tag[8..14]}",
            SecondStreet = $"9 Wyvern Row {tag[14..20]}",
            PostalCode = $"QZ{tag[20..22].ToUpperInvariant()} 7XW",
        };
        string[] personal = [person.Name, person.Email, person.Phone, person.Street, person.SecondStreet, person.PostalCode];

        var customer = await shop.Api<ICustomerApi>().RegisterAsync(new RegisterCustomerRequest(person.Name, person.Email, person.Phone,
            Addresses: [new AddressInput(AddressKind.Billing, person.Name, person.Street, "Bath", person.PostalCode, "GB", IsDefault: true)],
            Password: TestIdentity.CustomerPassword));
        var own = await shop.CustomerClientAsync(person.Email);
        var customers = RestService.For<ICustomerApi>(own, Refit);
        await customers.AddAddressAsync(customer.Id,
            new AddressInput(AddressKind.Shipping, person.Name, person.SecondStreet, "Bath", person.PostalCode, "GB", IsDefault: true));
        var product = await shop.NewProductAsync(price: 30.00m, stock: 5);
        var card = await shop.Payments.AddPaymentMethodAsync(new AddPaymentMethodRequest(customer.Id, TestCards.Success, 12, DateTime.UtcNow.Year + 2));
        var order = await shop.Orders.CreateOrderAsync(new CreateOrderRequest(customer.Id, [new CreateOrderItem(product.Id, 2)]));
        var submitted = await RestService.For<ICheckoutApi>(own, Refit).SubmitAsync(order.Id, new SubmitCheckoutRequest(card.Id));
        Assert.True(submitted.IsSuccessful, (submitted.Error as ApiException)?.Content);
        Assert.Equal(SagaStages.Delivered, (await shop.Saga(order.Id).GetResultAsync()).Outcome);
        var reviews = RestService.For<IReviewApi>(own, Refit);
        await Poll.UntilAsync(async () =>
        {
            try
            {
                return await reviews.SubmitAsync(new SubmitReviewRequest(order.Id, product.Id, 5, "Splendid", "Computes as promised."));
            }
            catch (ApiException refused) when (refused.StatusCode == HttpStatusCode.UnprocessableEntity)
            {
                return null; // Review has not yet heard of the delivery
            }
        }, review => review is not null);

        // Access: the customer's own request, one document.
        var access = await customers.RequestDataAsync(customer.Id, new CreateDataRequest(DataRequestKind.Access));
        var answered = await Poll.UntilAsync(() => customers.GetDataRequestAsync(customer.Id, access.Id),
            r => r.Status == DataRequestStatus.Completed, TimeSpan.FromSeconds(60));
        var document = answered.Document!.Value;
        Assert.Equal(person.Email, document.GetProperty("Customer").GetProperty("profile").GetProperty("email").GetString());
        Assert.Equal(2, document.GetProperty("Customer").GetProperty("profile").GetProperty("addresses").GetArrayLength());
        Assert.Equal(order.Id, document.GetProperty("Order").GetProperty("orders")[0].GetProperty("id").GetGuid());
        Assert.Equal(card.Id, document.GetProperty("Payment").GetProperty("payment-methods")[0].GetProperty("id").GetGuid());
        Assert.Equal(person.SecondStreet, document.GetProperty("Shipping").GetProperty("shipments")[0].GetProperty("address").GetProperty("line1").GetString());
        Assert.Equal("Splendid", document.GetProperty("Review").GetProperty("reviews")[0].GetProperty("title").GetString());
        Assert.Contains(person.Email, document.GetProperty("Notification").GetRawText(), StringComparison.Ordinal);

        var totalsBefore = await TotalsAsync();
        Assert.NotEqual((0m, 0m), totalsBefore);

        // Erasure: the customer's request; the workflow reaches every context.
        var erasure = await customers.RequestDataAsync(customer.Id, new CreateDataRequest(DataRequestKind.Erasure));
        var report = await Poll.UntilAsync(() => shop.Api<ICustomerApi>().GetDataRequestAsync(customer.Id, erasure.Id),
            r => r.Status == DataRequestStatus.Completed, TimeSpan.FromSeconds(60));
        await Poll.UntilAsync(async () => await shop.Sql.UndeliveredEventsAsync() == 0);

        Assert.Equal(13, report.Erased!.Count);
        Assert.Equal(1, report.Erased["Order"]["orders"]);
        Assert.Equal(1, report.Erased["Payment"]["payment-methods"]);
        Assert.Equal(1, report.Erased["Shipping"]["shipments"]);
        // Review may have anonymised the author already, on Customer's CustomerDeleted: either way the scan below finds no name.
        Assert.Contains("reviews", report.Erased["Review"].Keys);
        Assert.Equal(1, report.Erased["Customer"]["data-requests"]);
        Assert.Empty(await ColumnsHoldingAsync(personal));
        Assert.Equal(totalsBefore, await TotalsAsync());
        Assert.Null((await shop.Api<ICustomerApi>().GetDataRequestAsync(customer.Id, access.Id)).Document);
        var signIn = await Assert.ThrowsAsync<InvalidOperationException>(() => shop.CustomerClientAsync(person.Email));
        Assert.Contains("invalid_grant", signIn.Message, StringComparison.Ordinal);
        // The order stays for accounting: its amounts, not its addresses.
        var kept = await shop.Orders.GetOrderAsync(order.Id);
        Assert.Equal(order.Total, kept.Total);
        Assert.Null(kept.ShippingAddress);
    }

    /// <summary>Every text, character and JSON column (arrays of them too) of every table of every schema, searched for each string.</summary>
    private async Task<List<string>> ColumnsHoldingAsync(string[] strings)
    {
        var columns = await shop.Sql.RowsAsync(
            """
            SELECT c.table_schema, c.table_name, c.column_name
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema')
              AND c.udt_name IN ('text', 'varchar', 'bpchar', 'json', 'jsonb', '_text', '_varchar', 'citext')
            ORDER BY 1, 2, 3
            """);
        Assert.True(columns.Count > 100, $"Only {columns.Count} text columns found: the scan would prove little.");
        var lowered = strings.Select(s => s.ToLowerInvariant()).ToArray();
        var found = new List<string>();
        foreach (var column in columns)
        {
            var (schema, table, name) = ((string)column[0]!, (string)column[1]!, (string)column[2]!);
            var hits = await shop.Sql.ScalarAsync<long>(
                $"""SELECT count(*) FROM "{schema}"."{table}" WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) s WHERE strpos(lower("{name}"::text), s) > 0)""",
                (object)lowered);
            if (hits > 0)
            {
                found.Add($"{schema}.{table}.{name} ({hits})");
            }
        }

        return found;
    }

    private async Task<(decimal Orders, decimal Captured)> TotalsAsync() => (
        await shop.Sql.ScalarAsync<decimal>("""SELECT coalesce(sum(total), 0) FROM "order".orders"""),
        await shop.Sql.ScalarAsync<decimal>("SELECT coalesce(sum(captured_amount), 0) FROM payment.payments"));
}
