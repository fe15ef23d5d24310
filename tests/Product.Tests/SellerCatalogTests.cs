using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Product.Contracts;
using Commerce.Review.Contracts;
using Commerce.Seller.Contracts;
using Commerce.ServiceDefaults;
using Refit;

namespace Commerce.Product.Tests;

/// <summary>
/// Sellers write the catalog for their own products with their own tokens (role seller and seller_id from the token
/// server, once Customer has Seller's SellerRegistered); Product knows sellers from Seller's events and refuses a
/// suspended one. Products show their seller and rating from Product's caches.
/// </summary>
public sealed class SellerCatalogTests(ProductFixture fixture) : IClassFixture<ProductFixture>
{
    private static readonly RefitSettings Json = new() { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) };

    private readonly IProductApi operators = RestService.For<IProductApi>(fixture.Client, Json);

    [Fact]
    public async Task Seller_CreatesAndEditsItsProduct_ProductAndItsEventsNameTheSeller()
    {
        var seller = await fixture.App.SellerFromEventAsync("Kettle Corner", subscribers: "product");
        var api = RestService.For<IProductApi>(seller.Client, Json);

        var created = await api.CreateProductAsync(NewProduct());
        var updated = await api.UpdateProductAsync(created.Id, new UpdateProductRequest("Kettle deluxe", "Kitchen", "Boils faster."), "\"1\"");
        var repriced = await api.ChangePriceAsync(created.Id, new ChangePriceRequest(31.50m, "USD"), "\"2\"");

        Assert.Equal(new ProductSeller(seller.SellerId, "Kettle Corner", true), created.Seller);
        Assert.Equal(("Kettle deluxe", 31.50m, 3), (repriced.Name, repriced.Price, repriced.Version));
        Assert.Equal(created.Seller, (await operators.GetProductAsync(created.Id)).Seller);
        var events = await fixture.Sql.EventsAsync("product", created.Id);
        Assert.Equal(seller.SellerId, events[0].Payload.GetProperty("sellerId").GetGuid());
        Assert.All(events.Skip(1), e => Assert.Equal(seller.SellerId, e.Payload.GetProperty("state").GetProperty("sellerId").GetGuid()));
        Assert.Equal("Kettle deluxe", updated.Name);
    }

    [Fact]
    public async Task Seller_NamingItselfOrNoSeller_CreatesForItself_AnotherSeller_Is422AndWritesNothing()
    {
        var seller = await fixture.App.SellerFromEventAsync(subscribers: "product");
        var other = await fixture.App.SellerFromEventAsync(subscribers: "product");
        var api = RestService.For<IProductApi>(seller.Client, Json);

        var own = await api.CreateProductAsync(NewProduct() with { SellerId = seller.SellerId });
        var before = await WrittenAsync();
        using var refused = await seller.Client.PostAsJsonAsync("/products", NewProduct() with { SellerId = other.SellerId }, CommerceJson.Options);

        Assert.Equal(seller.SellerId, own.Seller?.Id);
        await AssertProblemAsync(refused, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(before, await WrittenAsync());
    }

    [Fact]
    public async Task Seller_AnotherSellersOrTheShopsProduct_Answers404AndChangesNothing()
    {
        var owner = await fixture.App.SellerFromEventAsync(subscribers: "product");
        var stranger = await fixture.App.SellerFromEventAsync(subscribers: "product");
        var owners = await RestService.For<IProductApi>(owner.Client, Json).CreateProductAsync(NewProduct());
        var shops = await operators.CreateProductAsync(NewProduct());
        var before = await WrittenAsync();

        foreach (var id in new[] { owners.Id, shops.Id })
        {
            await AssertProblemAsync(await stranger.Client.PutAsJsonAsync($"/products/{id}", new UpdateProductRequest("Mine now", "Kitchen"), CommerceJson.Options),
                HttpStatusCode.NotFound);
            await AssertProblemAsync(await stranger.Client.PutAsJsonAsync($"/products/{id}/price", new ChangePriceRequest(1m, "USD"), CommerceJson.Options),
                HttpStatusCode.NotFound);
            await AssertProblemAsync(await stranger.Client.PostAsync($"/products/{id}/discontinue", null), HttpStatusCode.NotFound);
        }

        Assert.Equal(before, await WrittenAsync());
        Assert.Equal((1, ProductStatus.Active), ((await operators.GetProductAsync(owners.Id)).Version, (await operators.GetProductAsync(owners.Id)).Status));
    }

    [Fact]
    public async Task SuspendedSeller_IsRefused403AndNothingIsWritten_UntilReinstated()
    {
        var seller = await fixture.App.SellerFromEventAsync("Suspect", subscribers: "product");
        var product = await RestService.For<IProductApi>(seller.Client, Json).CreateProductAsync(NewProduct());
        var state = new SellerState(seller.AccountId, seller.DisplayName, seller.Email, SellerStatus.Suspended);
        await fixture.App.DeliverSellerEventAsync(2, new SellerSuspended(seller.SellerId, "Fake goods", state), "product");
        var before = await WrittenAsync();

        var refusals = new[]
        {
            await seller.Client.PostAsJsonAsync("/products", NewProduct(), CommerceJson.Options),
            await seller.Client.PutAsJsonAsync($"/products/{product.Id}", new UpdateProductRequest("Renamed", "Kitchen"), CommerceJson.Options),
            await seller.Client.PutAsJsonAsync($"/products/{product.Id}/price", new ChangePriceRequest(1m, "USD"), CommerceJson.Options),
            await seller.Client.PostAsync($"/products/{product.Id}/discontinue", null),
        };

        foreach (var refusal in refusals)
        {
            var problem = await AssertProblemAsync(refusal, HttpStatusCode.Forbidden);
            Assert.Equal("Seller suspended", problem.Title);
        }

        Assert.Equal(before, await WrittenAsync());
        var shown = await operators.GetProductAsync(product.Id);
        Assert.Equal((new ProductSeller(seller.SellerId, "Suspect", false), 1), (shown.Seller, shown.Version));

        await fixture.App.DeliverSellerEventAsync(3, new SellerReinstated(seller.SellerId, state with { Status = SellerStatus.Active }), "product");
        using var allowed = await seller.Client.PutAsJsonAsync($"/products/{product.Id}/price", new ChangePriceRequest(1m, "USD"), CommerceJson.Options);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task SellerProductDoesNotKnow_IsRefused403AndNothingIsWritten()
    {
        // Customer has the seller (the token names it), Product has not heard of it yet.
        var seller = await fixture.App.SellerFromEventAsync();
        var before = await WrittenAsync();

        using var response = await seller.Client.PostAsJsonAsync("/products", NewProduct(), CommerceJson.Options);

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(before, await WrittenAsync());
    }

    [Fact]
    public async Task Operator_CreatesForAKnownSellerOrTheShop_UnknownSellerIs422()
    {
        var seller = await fixture.App.SellerFromEventAsync("Listed by ops", subscribers: "product");
        var before = await WrittenAsync();

        using var unknown = await fixture.Client.PostAsJsonAsync("/products", NewProduct() with { SellerId = Guid.NewGuid() }, CommerceJson.Options);
        await AssertProblemAsync(unknown, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(before, await WrittenAsync());

        var forSeller = await operators.CreateProductAsync(NewProduct() with { SellerId = seller.SellerId });
        var forShop = await operators.CreateProductAsync(NewProduct());
        Assert.Equal(new ProductSeller(seller.SellerId, "Listed by ops", true), forSeller.Seller);
        Assert.Null(forShop.Seller);

        // The seller then changes what an operator listed for it.
        using var changed = await seller.Client.PutAsJsonAsync($"/products/{forSeller.Id}/price", new ChangePriceRequest(2m, "USD"), CommerceJson.Options);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
    }

    [Fact]
    public async Task Search_BySeller_ListsOnlyItsProductsWithSellerAndRating()
    {
        var seller = await fixture.App.SellerFromEventAsync("Lamp Lane", subscribers: "product");
        var api = RestService.For<IProductApi>(seller.Client, Json);
        var rated = await api.CreateProductAsync(NewProduct());
        var unrated = await api.CreateProductAsync(NewProduct());
        await operators.CreateProductAsync(NewProduct());
        await DeliverRatingAsync(rated.Id, 1, new RatingSummary(rated.Id, 2, 4.5m, [0, 0, 0, 1, 1]));

        var page = await operators.SearchProductsAsync(new ProductSearch { SellerId = seller.SellerId });

        Assert.Equal(2, page.TotalCount);
        Assert.All(page.Items, item => Assert.Equal(new ProductSeller(seller.SellerId, "Lamp Lane", true), item.Seller));
        var listed = page.Items.Single(i => i.Id == rated.Id).Rating!;
        Assert.Equal((2, 4.5m), (listed.Count, listed.Average));
        Assert.Equal([0, 0, 0, 1, 1], listed.Stars);
        Assert.Null(page.Items.Single(i => i.Id == unrated.Id).Rating);
        var read = (await operators.GetProductAsync(rated.Id)).Rating!;
        Assert.Equal((2, 4.5m), (read.Count, read.Average));
    }

    [Fact]
    public async Task Search_SellerIdNotAGuid_Is400()
    {
        using var response = await fixture.Anonymous.GetAsync("/products?sellerId=not-a-guid");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task SellerEvents_InEveryOrderWithDuplicates_ConvergeToTheSellersLatestState()
    {
        var sellerId = Guid.NewGuid();
        var account = Guid.NewGuid();
        SellerState State(string name, SellerStatus status) => new(account, name, "seller@example.com", status);
        var events = new List<Commerce.ServiceDefaults.Messaging.EventEnvelope>
        {
            TestSupport.Envelope("Seller", sellerId.ToString(), 1, new SellerRegistered(sellerId, State("First name", SellerStatus.Active))),
            TestSupport.Envelope("Seller", sellerId.ToString(), 2, new SellerProfileUpdated(sellerId, State("Second name", SellerStatus.Active))),
            TestSupport.Envelope("Seller", sellerId.ToString(), 3, new SellerSuspended(sellerId, "Checks", State("Second name", SellerStatus.Suspended))),
            TestSupport.Envelope("Seller", sellerId.ToString(), 4, new SellerProfileUpdated(sellerId, State("Third name", SellerStatus.Suspended))),
        };

        var converged = await Convergence.AssertEveryOrderConvergesAsync(fixture.Client, "product", events, sellerId.ToString(),
            () => Guid.NewGuid().ToString(),
            async copy => string.Join(" | ", (await fixture.Sql.RowsAsync(
                "SELECT account_id, display_name, status, source_version FROM product.sellers WHERE seller_id = $1", Guid.Parse(copy))).SingleOrDefault() ?? []));

        Assert.Equal($"{account} | Third name | Suspended | 4", converged);
    }

    [Fact]
    public async Task RatingEvents_InEveryOrderWithDuplicates_ConvergeToTheNewestSummary()
    {
        // Approvals of different reviews (their own aggregate ids and versions) of one product: the summary's own counter orders them.
        var productId = Guid.NewGuid();
        var events = new List<Commerce.ServiceDefaults.Messaging.EventEnvelope>
        {
            Approved(productId, 1, new RatingSummary(productId, 1, 5m, [0, 0, 0, 0, 1])),
            Approved(productId, 2, new RatingSummary(productId, 2, 3.5m, [0, 1, 0, 0, 1])),
            Approved(productId, 3, new RatingSummary(productId, 3, 3.67m, [0, 1, 0, 1, 1])),
            Approved(productId, 4, new RatingSummary(productId, 4, 3.25m, [1, 1, 0, 1, 1])),
        };

        var converged = await Convergence.AssertEveryOrderConvergesAsync(fixture.Client, "product", events, productId.ToString(),
            () => Guid.NewGuid().ToString(),
            async copy => string.Join(" | ", ((await fixture.Sql.RowsAsync(
                    "SELECT count, average, array_to_string(stars, ','), source_version FROM product.product_ratings WHERE product_id = $1",
                    Guid.Parse(copy))).SingleOrDefault() ?? []).Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))));

        Assert.Equal("4 | 3.25 | 1,1,0,1,1 | 4", converged);
    }

    private static Commerce.ServiceDefaults.Messaging.EventEnvelope Approved(Guid productId, int ratingVersion, RatingSummary rating)
    {
        var reviewId = Guid.NewGuid();
        return TestSupport.Envelope("Review", reviewId.ToString(), 2,
            new ReviewApproved(reviewId, productId, Guid.NewGuid(), 5, rating, ratingVersion));
    }

    private async Task DeliverRatingAsync(Guid productId, int ratingVersion, RatingSummary rating)
    {
        Assert.Equal(Commerce.ServiceDefaults.Messaging.InboxOutcome.Processed,
            await fixture.Client.DeliverAsync("product", Approved(productId, ratingVersion, rating)));
    }

    /// <summary>Products and events written so far: a refusal must leave both as they were.</summary>
    private async Task<(long Products, long Events)> WrittenAsync() =>
        (await fixture.Sql.CountAsync("product.products"), await fixture.Sql.CountAsync("product.outbox_messages"));

    private static async Task<Microsoft.AspNetCore.Mvc.ProblemDetails> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            return (await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>())!;
        }
    }

    private static CreateProductRequest NewProduct() =>
        new($"SELLER-{Guid.NewGuid():N}"[..30].ToUpperInvariant(), "Kettle", "Kitchen", 25m, "USD");
}
