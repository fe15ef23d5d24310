using System.Net;
using System.Text;

namespace Commerce.Seller.Tests;

/// <summary>Malformed and hostile requests to every Seller route: a 4xx problem, and no row written anywhere in the schema.</summary>
public sealed class BadInputTests(SellerFixture fixture) : IClassFixture<SellerFixture>
{
    private const string Pan = "4111 1111 1111 1111";

    public static TheoryData<string, string, string, string?, int> Cases => new()
    {
        { "register: empty name", "POST", "/sellers", """{"displayName":"  ","contactEmail":"a@example.com"}""", 400 },
        { "register: name over 100", "POST", "/sellers", $$"""{"displayName":"{{new string('x', 101)}}","contactEmail":"a@example.com"}""", 400 },
        { "register: card number in name", "POST", "/sellers", $$"""{"displayName":"Shop {{Pan}}","contactEmail":"a@example.com"}""", 400 },
        { "register: not an e-mail", "POST", "/sellers", """{"displayName":"Shop","contactEmail":"nobody"}""", 400 },
        { "register: header injection in e-mail", "POST", "/sellers", """{"displayName":"Shop","contactEmail":"a@example.com\r\nBcc: x@example.com"}""", 400 },
        { "register: letters in phone", "POST", "/sellers", """{"displayName":"Shop","contactEmail":"a@example.com","contactPhone":"call me"}""", 400 },
        { "register: phone over 30", "POST", "/sellers", """{"displayName":"Shop","contactEmail":"a@example.com","contactPhone":"+1234567890123456789012345678901"}""", 400 },
        { "register: description over 2000", "POST", "/sellers", $$"""{"displayName":"Shop","contactEmail":"a@example.com","description":"{{new string('d', 2001)}}"}""", 400 },
        { "register: card number in description", "POST", "/sellers", $$"""{"displayName":"Shop","contactEmail":"a@example.com","description":"pay to {{Pan}}"}""", 400 },
        { "register: extra field", "POST", "/sellers", """{"displayName":"Shop","contactEmail":"a@example.com","status":"Active"}""", 400 },
        { "register: missing e-mail", "POST", "/sellers", """{"displayName":"Shop"}""", 400 },
        { "update: SQL injection as e-mail", "PUT", "/sellers/{seller}", """{"displayName":"Shop","contactEmail":"'; DROP TABLE seller.sellers;--"}""", 400 },
        { "update: card number in name", "PUT", "/sellers/{seller}", $$"""{"displayName":"{{Pan}}","contactEmail":"a@example.com"}""", 400 },
        { "update: malformed If-Match", "PUT", "/sellers/{seller}", """{"displayName":"Shop","contactEmail":"a@example.com"}""", 400 },
        { "update: unknown seller", "PUT", "/sellers/6f1e4c2a-0b9d-4e37-8a51-3c2d7e9f0a14", """{"displayName":"Shop","contactEmail":"a@example.com"}""", 404 },
        { "suspend: empty reason", "POST", "/sellers/{seller}/suspend", """{"reason":""}""", 400 },
        { "suspend: card number in reason", "POST", "/sellers/{seller}/suspend", $$"""{"reason":"refund {{Pan}}"}""", 400 },
        { "suspend: reason over 500", "POST", "/sellers/{seller}/suspend", $$"""{"reason":"{{new string('r', 501)}}"}""", 400 },
        { "suspend: unknown seller", "POST", "/sellers/6f1e4c2a-0b9d-4e37-8a51-3c2d7e9f0a14/suspend", """{"reason":"x"}""", 404 },
        { "reinstate: unknown seller", "POST", "/sellers/6f1e4c2a-0b9d-4e37-8a51-3c2d7e9f0a14/reinstate", null, 404 },
        { "list: page size 0", "GET", "/sellers?pageSize=0", null, 400 },
        { "list: huge page size", "GET", "/sellers?pageSize=100000", null, 400 },
        { "list: SQL injection in status", "GET", "/sellers?status=Active'--", null, 400 },
        { "get: unknown seller", "GET", "/sellers/6f1e4c2a-0b9d-4e37-8a51-3c2d7e9f0a14", null, 404 },
        { "storefront: unknown seller", "GET", "/sellers/6f1e4c2a-0b9d-4e37-8a51-3c2d7e9f0a14/storefront", null, 404 },
        { "low stock: unknown seller", "GET", "/sellers/6f1e4c2a-0b9d-4e37-8a51-3c2d7e9f0a14/low-stock", null, 404 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Request_Refused_WithProblemAndNothingWritten(string name, string method, string path, string? body, int status)
    {
        var seller = await fixture.NewSellerAsync();
        var before = await CountAsync();
        // Registration cases are a customer's (an operator registers nothing at all); the rest an operator's.
        var client = path == "/sellers" && method == "POST" ? (await fixture.NewCustomerAsync()).Client : fixture.Client;
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{seller}", seller.Id.ToString(), StringComparison.Ordinal));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (name.Contains("If-Match", StringComparison.Ordinal))
        {
            request.Headers.TryAddWithoutValidation("If-Match", "1");
        }

        using var response = await client.SendAsync(request);

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await CountAsync());
    }

    /// <summary>Rows of the schema's tables that a request could write (the audit trail records refusals by design).</summary>
    private async Task<string> CountAsync() =>
        $"{await fixture.Sql.CountAsync("seller.sellers")}/{await fixture.Sql.CountAsync("seller.outbox_messages")}/"
        + $"{await fixture.Sql.CountAsync("seller.low_stock")}/{await fixture.Sql.CountAsync("seller.product_copies")}/"
        + (await fixture.Sql.ScalarAsync<long>("SELECT coalesce(sum(version), 0) FROM seller.sellers")).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
