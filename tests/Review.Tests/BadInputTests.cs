using System.Net;
using System.Net.Http.Json;
using System.Text;
using Commerce.Review.Contracts;
using Commerce.ServiceDefaults;

namespace Commerce.Review.Tests;

/// <summary>Hostile and malformed reviews of a real verified purchase: each a 4xx problem, nothing written.</summary>
public sealed class BadInputTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    private const string Pan = "4111 1111 1111 1111";

    public static TheoryData<string, string> Bodies => new()
    {
        { "rating zero", """{"orderId":"{order}","productId":"{product}","rating":0,"title":"T","text":"X"}""" },
        { "rating six", """{"orderId":"{order}","productId":"{product}","rating":6,"title":"T","text":"X"}""" },
        { "rating negative", """{"orderId":"{order}","productId":"{product}","rating":-1,"title":"T","text":"X"}""" },
        { "rating fractional", """{"orderId":"{order}","productId":"{product}","rating":4.5,"title":"T","text":"X"}""" },
        { "rating as text", """{"orderId":"{order}","productId":"{product}","rating":"five","title":"T","text":"X"}""" },
        { "empty title", """{"orderId":"{order}","productId":"{product}","rating":4,"title":"","text":"X"}""" },
        { "blank title", """{"orderId":"{order}","productId":"{product}","rating":4,"title":"   ","text":"X"}""" },
        { "over-long title", """{"orderId":"{order}","productId":"{product}","rating":4,"title":"{long:121}","text":"X"}""" },
        { "empty text", """{"orderId":"{order}","productId":"{product}","rating":4,"title":"T","text":""}""" },
        { "over-long text", """{"orderId":"{order}","productId":"{product}","rating":4,"title":"T","text":"{long:5001}"}""" },
        { "missing text", """{"orderId":"{order}","productId":"{product}","rating":4,"title":"T"}""" },
        { "card number in title", $$"""{"orderId":"{order}","productId":"{product}","rating":4,"title":"{{Pan}}","text":"X"}""" },
        { "card number in text", $$"""{"orderId":"{order}","productId":"{product}","rating":4,"title":"T","text":"paid with {{Pan}} ok"}""" },
        { "card number with dashes", """{"orderId":"{order}","productId":"{product}","rating":4,"title":"T","text":"4111-1111-1111-1111"}""" },
        { "NUL in text", """{"orderId":"{order}","productId":"{product}","rating":4,"title":"T","text":"a\u0000b"}""" },
        { "http image", """{"orderId":"{order}","productId":"{product}","rating":4,"title":"T","text":"X","imageUrls":["http://img.example.com/a.jpg"]}""" },
        { "javascript image", """{"orderId":"{order}","productId":"{product}","rating":4,"title":"T","text":"X","imageUrls":["javascript:alert(1)"]}""" },
        { "relative image", """{"orderId":"{order}","productId":"{product}","rating":4,"title":"T","text":"X","imageUrls":["/etc/passwd"]}""" },
        { "over-long image", """{"orderId":"{order}","productId":"{product}","rating":4,"title":"T","text":"X","imageUrls":["https://a.example.com/{long:2000}"]}""" },
        { "six images", """{"orderId":"{order}","productId":"{product}","rating":4,"title":"T","text":"X","imageUrls":["https://a.example.com/1","https://a.example.com/2","https://a.example.com/3","https://a.example.com/4","https://a.example.com/5","https://a.example.com/6"]}""" },
        { "null image", """{"orderId":"{order}","productId":"{product}","rating":4,"title":"T","text":"X","imageUrls":[null]}""" },
        { "extra field", """{"orderId":"{order}","productId":"{product}","rating":4,"title":"T","text":"X","status":"Approved"}""" },
        { "SQL injection as order id", """{"orderId":"' OR 1=1;--","productId":"{product}","rating":4,"title":"T","text":"X"}""" },
        { "empty order id", """{"orderId":"00000000-0000-0000-0000-000000000000","productId":"{product}","rating":4,"title":"T","text":"X"}""" },
        { "malformed JSON", """{"orderId":"{order}","productId":""" },
        { "JSON array", """[{"orderId":"{order}"}]""" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Submit_BadInput_Is400ProblemAndWritesNothing(string name, string body)
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var productId = await fixture.NewProductAsync();
        var orderId = await fixture.NewOrderAsync(customerId, true, productId);
        var json = body.Replace("{order}", orderId.ToString(), StringComparison.Ordinal).Replace("{product}", productId.ToString(), StringComparison.Ordinal)
            .Replace("{long:121}", new string('t', 121), StringComparison.Ordinal)
            .Replace("{long:5001}", new string('x', 5001), StringComparison.Ordinal)
            .Replace("{long:2000}", new string('p', 2000), StringComparison.Ordinal);

        using var response = await client.PostAsync("/reviews", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("4111", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await fixture.Sql.CountAsync("review.reviews", "customer_id = $1", customerId));
        Assert.Equal(0, await fixture.Sql.CountAsync("review.outbox_messages", "payload::text LIKE $1", $"%{customerId}%"));
    }

    [Fact]
    public async Task Submit_InjectionStringsAsText_AreStoredAsTextNotRun()
    {
        var (customerId, client) = await fixture.NewCustomerAsync();
        var productId = await fixture.NewProductAsync();
        var orderId = await fixture.NewOrderAsync(customerId, true, productId);
        const string Text = "'; DROP TABLE review.reviews;-- <script>alert(1)</script>";

        using var response = await ReviewFixture.SubmitAsync(client, orderId, productId, 3, "Robert'); --", Text);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(Text, (await ReviewFixture.ReadAsync<ReviewResponse>(response)).Text);
        Assert.Equal(1, await fixture.Sql.CountAsync("review.reviews", "customer_id = $1", customerId));
    }

    [Theory]
    [InlineData("/reviews/products/{product}?pageSize=0")]
    [InlineData("/reviews/products/{product}?page=0")]
    [InlineData("/reviews/customers/{customer}?pageSize=101")]
    public async Task List_BadPaging_Is400(string path)
    {
        var (customerId, client) = await fixture.NewCustomerAsync();

        using var response = await client.GetAsync(path.Replace("{product}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("{customer}", customerId.ToString(), StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Reject_OverLongReason_Is400()
    {
        var review = await fixture.PendingReviewAsync(await fixture.NewProductAsync());

        using var response = await fixture.Client.PostAsJsonAsync($"/reviews/{review.Id}/reject", new RejectReviewRequest(new string('r', 501)),
            CommerceJson.Options);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ReviewStatus.Pending, (await ReviewFixture.ReadAsync<ReviewResponse>(await fixture.Client.GetAsync($"/reviews/{review.Id}"))).Status);
    }
}
