using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Commerce.Seller.Contracts;
using Commerce.ServiceDefaults;

namespace Commerce.Seller.Tests;

/// <summary>Registration, reading, editing, suspension and the public storefront of seller profiles, over HTTP.</summary>
public sealed class ProfileTests(SellerFixture fixture) : IClassFixture<SellerFixture>
{
    [Fact]
    public async Task Register_AsCustomer_MakesTheAccountASellerAndPublishesItsState()
    {
        var (customer, customerId) = await fixture.NewCustomerAsync();

        using var response = await customer.PostAsJsonAsync("/sellers",
            new RegisterSellerRequest("  Ada's Engines  ", " ada@engines.example.com ", "+44 20 7946 0001", "Gears."), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var seller = (await response.Content.ReadFromJsonAsync<SellerResponse>(CommerceJson.Options))!;
        Assert.Equal(customerId, seller.AccountId);
        Assert.Equal("Ada's Engines", seller.DisplayName);
        Assert.Equal("ada@engines.example.com", seller.ContactEmail);
        Assert.Equal(SellerStatus.Active, seller.Status);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var events = await fixture.Sql.EventsAsync("seller", seller.Id);
        var registered = Assert.Single(events);
        Assert.Equal((nameof(SellerRegistered), 1), (registered.Type, registered.Version));
        Assert.Equal(customerId, registered.Payload.GetProperty("state").GetProperty("accountId").GetGuid());
        Assert.Equal("Active", registered.Payload.GetProperty("state").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Register_SecondSellerForOneAccount_Answers409AndWritesNothing()
    {
        var (customer, customerId) = await fixture.NewCustomerAsync();
        var request = new RegisterSellerRequest("First shop", "first@example.com");
        (await customer.PostAsJsonAsync("/sellers", request, CommerceJson.Options)).EnsureSuccessStatusCode();

        using var again = await customer.PostAsJsonAsync("/sellers", request with { DisplayName = "Second shop" }, CommerceJson.Options);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(1, await fixture.Sql.CountAsync("seller.sellers", "account_id = $1", customerId));
    }

    [Fact]
    public async Task Register_AsOperator_Answers403ProblemAndWritesNothing()
    {
        var before = await fixture.Sql.CountAsync("seller.sellers");

        using var response = await fixture.Client.PostAsJsonAsync("/sellers", new RegisterSellerRequest("Ops shop", "ops@example.com"), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await fixture.Sql.CountAsync("seller.sellers"));
    }

    [Fact]
    public async Task GetAndStorefront_ShowTheProfileToOperatorsAndOnlyPublicFieldsToAnyone()
    {
        var seller = await fixture.NewSellerAsync("Storefront Ltd");

        var full = await fixture.Client.GetFromJsonAsync<SellerResponse>($"/sellers/{seller.Id}", CommerceJson.Options);
        using var storefront = await fixture.Anonymous.GetAsync($"/sellers/{seller.Id}/storefront");
        using var unknown = await fixture.Anonymous.GetAsync($"/sellers/{Guid.NewGuid()}/storefront");
        using var unknownProfile = await fixture.Client.GetAsync($"/sellers/{Guid.NewGuid()}");

        Assert.Equal(seller, full);
        Assert.Equal(HttpStatusCode.OK, storefront.StatusCode);
        var json = await storefront.Content.ReadAsStringAsync();
        Assert.Contains("Storefront Ltd", json, StringComparison.Ordinal);
        Assert.DoesNotContain("babbage.example.com", json, StringComparison.Ordinal); // the contact stays private
        Assert.DoesNotContain("7946", json, StringComparison.Ordinal);
        Assert.DoesNotContain(seller.AccountId.ToString(), json, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownProfile.StatusCode);
    }

    [Fact]
    public async Task GetMine_AsOperatorOrCustomer_IsNoSeller()
    {
        var (customer, _) = await fixture.NewCustomerAsync();

        using var asOperator = await fixture.Client.GetAsync("/sellers/me");
        using var asCustomer = await customer.GetAsync("/sellers/me");

        Assert.Equal(HttpStatusCode.NotFound, asOperator.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asCustomer.StatusCode); // a customer's token carries no seller
    }

    [Fact]
    public async Task Update_WithCurrentIfMatch_ChangesAndPublishes_AStaleOneAnswers409()
    {
        var seller = await fixture.NewSellerAsync();
        var change = new UpdateSellerRequest("Babbage & Sons", "sons@babbage.example.com", null, "Now with sons.");

        using var updated = await SendAsync(HttpMethod.Put, $"/sellers/{seller.Id}", change, "\"1\"");
        using var stale = await SendAsync(HttpMethod.Put, $"/sellers/{seller.Id}", change with { DisplayName = "Late" }, "\"1\"");
        using var same = await SendAsync(HttpMethod.Put, $"/sellers/{seller.Id}", change, null);
        using var unknown = await SendAsync(HttpMethod.Put, $"/sellers/{Guid.NewGuid()}", change, null);

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var body = (await updated.Content.ReadFromJsonAsync<SellerResponse>(CommerceJson.Options))!;
        Assert.Equal(("Babbage & Sons", "sons@babbage.example.com", (string?)null, 2), (body.DisplayName, body.ContactEmail, body.ContactPhone, body.Version));
        Assert.Equal("\"2\"", updated.Headers.ETag?.Tag);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode); // nothing to change: no new version
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var events = await fixture.Sql.EventsAsync("seller", seller.Id);
        Assert.Equal(new[] { nameof(SellerRegistered), nameof(SellerProfileUpdated) }, events.Select(e => e.Type));
        Assert.Equal("Babbage & Sons", events[1].Payload.GetProperty("state").GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task SuspendAndReinstate_AreIdempotent_OneEventEach()
    {
        var seller = await fixture.NewSellerAsync();

        using var suspended = await SendAsync(HttpMethod.Post, $"/sellers/{seller.Id}/suspend", new SuspendSellerRequest("Counterfeit goods"), null);
        using var again = await SendAsync(HttpMethod.Post, $"/sellers/{seller.Id}/suspend", new SuspendSellerRequest("Another reason"), "\"1\"");
        var whileSuspended = await fixture.Anonymous.GetFromJsonAsync<SellerStorefront>($"/sellers/{seller.Id}/storefront", CommerceJson.Options);
        using var reinstated = await fixture.Client.PostAsync($"/sellers/{seller.Id}/reinstate", null);
        using var reinstatedAgain = await fixture.Client.PostAsync($"/sellers/{seller.Id}/reinstate", null);
        using var unknown = await fixture.Client.PostAsync($"/sellers/{Guid.NewGuid()}/reinstate", null);

        var first = (await suspended.Content.ReadFromJsonAsync<SellerResponse>(CommerceJson.Options))!;
        Assert.Equal((SellerStatus.Suspended, "Counterfeit goods"), (first.Status, first.SuspensionReason));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode); // the repeat is answered before If-Match is compared
        Assert.Equal("Counterfeit goods", (await again.Content.ReadFromJsonAsync<SellerResponse>(CommerceJson.Options))!.SuspensionReason);
        Assert.Equal(SellerStatus.Suspended, whileSuspended!.Status);
        var back = (await reinstated.Content.ReadFromJsonAsync<SellerResponse>(CommerceJson.Options))!;
        Assert.Equal((SellerStatus.Active, (string?)null, 3), (back.Status, back.SuspensionReason, back.Version));
        Assert.Equal(HttpStatusCode.OK, reinstatedAgain.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(new[] { nameof(SellerRegistered), nameof(SellerSuspended), nameof(SellerReinstated) },
            (await fixture.Sql.EventsAsync("seller", seller.Id)).Select(e => e.Type));
    }

    [Fact]
    public async Task List_ByStatus_PagesNewestFirst()
    {
        var a = await fixture.NewSellerAsync("List A");
        var b = await fixture.NewSellerAsync("List B");
        (await fixture.Client.PostAsJsonAsync($"/sellers/{b.Id}/suspend", new SuspendSellerRequest("Paused"), CommerceJson.Options)).EnsureSuccessStatusCode();

        var suspended = await fixture.Client.GetFromJsonAsync<SellerPage>("/sellers?status=Suspended&pageSize=200", CommerceJson.Options);
        var firstPage = await fixture.Client.GetFromJsonAsync<SellerPage>("/sellers?page=1&pageSize=1", CommerceJson.Options);

        Assert.Contains(suspended!.Items, s => s.Id == b.Id);
        Assert.DoesNotContain(suspended.Items, s => s.Id == a.Id);
        Assert.All(suspended.Items, s => Assert.Equal(SellerStatus.Suspended, s.Status));
        Assert.Single(firstPage!.Items);
        Assert.True(firstPage.TotalCount >= 2);
        Assert.Equal((1, 1), (firstPage.Page, firstPage.PageSize));
    }

    private Task<HttpResponseMessage> SendAsync<T>(HttpMethod method, string path, T body, string? ifMatch)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: CommerceJson.Options) };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }

        return fixture.Client.SendAsync(request);
    }
}
