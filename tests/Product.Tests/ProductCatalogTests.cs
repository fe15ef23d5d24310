using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Commerce.Product.Contracts;
using Commerce.ServiceDefaults;
using Microsoft.AspNetCore.Http;
using Refit;

namespace Commerce.Product.Tests;

public sealed class ProductCatalogTests(ProductFixture fixture) : IClassFixture<ProductFixture>
{
    private readonly IProductApi api = RestService.For<IProductApi>(
        fixture.Client, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(CommerceJson.Options) });

    [Fact]
    public async Task Create_ValidProduct_IsReadableAndWritesProductCreated()
    {
        var created = await api.CreateProductAsync(NewProduct("LAPTOP-1", "Laptop", "Computers", 999.99m) with
        {
            Attributes = [new("RAM", "16 GB")],
            ImageUrls = ["https://img.example.com/laptop.jpg"],
        });

        var read = await api.GetProductAsync(created.Id);
        Assert.Equal(("LAPTOP-1", "Laptop", 999.99m, "USD", ProductStatus.Active, 1), (read.Sku, read.Name, read.Price, read.Currency, read.Status, read.Version));
        Assert.Equal([new ProductAttribute("RAM", "16 GB")], read.Attributes);
        Assert.Equal(["https://img.example.com/laptop.jpg"], read.ImageUrls);
        Assert.Null(read.AvailableQuantity);
        var events = await fixture.Sql.EventsAsync("product", created.Id);
        var (type, version, payload) = Assert.Single(events);
        Assert.Equal((nameof(ProductCreated), 1, "LAPTOP-1"), (type, version, payload.GetProperty("sku").GetString()));
    }

    [Fact]
    public async Task Get_ReturnsVersionAsETag()
    {
        var created = await api.CreateProductAsync(NewProduct("ETAG-1", "Tagged", "Misc", 1m));

        var response = await fixture.Client.GetAsync($"/products/{created.Id}");

        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
    }

    [Theory]
    [InlineData("""{"sku":"X1","name":"","category":"c","price":1,"currency":"USD"}""", "name")]
    [InlineData("""{"sku":"X1","name":"n","category":"c","price":-5,"currency":"USD"}""", "price")]
    [InlineData("""{"sku":"X1","name":"n","category":"c","price":1.005,"currency":"USD"}""", "price")]
    [InlineData("""{"sku":"X1","name":"n","category":"c","price":1,"currency":"usd"}""", "currency")]
    [InlineData("""{"sku":"X1","name":"n","category":"c","price":1,"currency":"USD","imageUrls":["ftp://x/y.png"]}""", "imageUrls[0]")]
    [InlineData("""{"sku":"X1","name":"n","category":"c","price":1,"currency":"USD","attributes":[{"name":"a","value":"1"},{"name":"A","value":"2"}]}""", "attributes")]
    [InlineData("""{"sku":"X1","name":"n","category":"c","price":"cheap","currency":"USD"}""", "price")]
    [InlineData("""{"sku":"X1","category":"c","price":1,"currency":"USD"}""", null)]
    [InlineData("""{"sku":"X1", "name": """, null)]
    public async Task Create_InvalidInput_Returns400AndWritesNothing(string body, string? field)
    {
        var before = (await fixture.Sql.CountAsync("product.products"), await fixture.Sql.CountAsync("product.outbox_messages"));

        var response = await fixture.Client.PostAsync("/products", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>();
        Assert.Equal(400, problem!.Status);
        if (field is not null)
        {
            Assert.Contains(field, problem.Errors.Keys);
        }

        Assert.Equal(before, (await fixture.Sql.CountAsync("product.products"), await fixture.Sql.CountAsync("product.outbox_messages")));
    }

    [Fact]
    public async Task Create_DuplicateSku_Returns409AndWritesNothing()
    {
        await api.CreateProductAsync(NewProduct("DUP-1", "First", "Misc", 5m));
        var before = await fixture.Sql.CountAsync("product.outbox_messages");

        var response = await fixture.Client.PostAsJsonAsync("/products", NewProduct("DUP-1", "Second", "Misc", 6m), CommerceJson.Options);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(1, await fixture.Sql.CountAsync("product.products", "sku = 'DUP-1'"));
        Assert.Equal(before, await fixture.Sql.CountAsync("product.outbox_messages"));
    }

    [Fact]
    public async Task Get_UnknownId_Returns404ProblemDetails()
    {
        var response = await fixture.Client.GetAsync($"/products/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ChangePrice_RaisesVersionAndWritesOldAndNewPrice()
    {
        var created = await api.CreateProductAsync(NewProduct("PRICE-1", "Lamp", "Home", 40m));

        var changed = await api.ChangePriceAsync(created.Id, new ChangePriceRequest(35.50m, "USD"), "\"1\"");

        Assert.Equal((35.50m, 2), (changed.Price, changed.Version));
        var events = await fixture.Sql.EventsAsync("product", created.Id);
        Assert.Equal([nameof(ProductCreated), nameof(ProductPriceChanged)], events.Select(e => e.Type));
        var priceChanged = events[1].Payload;
        Assert.Equal((40m, 35.50m, 2), (priceChanged.GetProperty("oldPrice").GetDecimal(), priceChanged.GetProperty("newPrice").GetDecimal(), events[1].Version));
    }

    [Fact]
    public async Task ChangePrice_SamePrice_ChangesNothing()
    {
        var created = await api.CreateProductAsync(NewProduct("PRICE-2", "Rug", "Home", 80m));

        var unchanged = await api.ChangePriceAsync(created.Id, new ChangePriceRequest(80m, "USD"));

        Assert.Equal(1, unchanged.Version);
        Assert.Single(await fixture.Sql.EventsAsync("product", created.Id));
    }

    [Fact]
    public async Task Update_StaleIfMatch_Returns409AndChangesNothing()
    {
        var created = await api.CreateProductAsync(NewProduct("VER-1", "Chair", "Home", 120m));
        await api.UpdateProductAsync(created.Id, new UpdateProductRequest("Chair v2", "Home", "Oak"), "\"1\"");

        var response = await fixture.Client.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/products/{created.Id}")
        {
            Content = JsonContent.Create(new UpdateProductRequest("Chair v3", "Home", "Pine"), options: CommerceJson.Options),
            Headers = { { "If-Match", "\"1\"" } },
        });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var read = await api.GetProductAsync(created.Id);
        Assert.Equal(("Chair v2", 2), (read.Name, read.Version));
        Assert.Equal(2, (await fixture.Sql.EventsAsync("product", created.Id)).Count);
    }

    [Fact]
    public async Task Update_ConcurrentWritersOnSameVersion_ExactlyOneWins()
    {
        var created = await api.CreateProductAsync(NewProduct("VER-2", "Desk", "Home", 300m));

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => fixture.Client.SendAsync(
            new HttpRequestMessage(HttpMethod.Put, $"/products/{created.Id}/price")
            {
                Content = JsonContent.Create(new ChangePriceRequest(300m + i + 1, "USD"), options: CommerceJson.Options),
                Headers = { { "If-Match", "\"1\"" } },
            })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(2, (await api.GetProductAsync(created.Id)).Version);
        Assert.Equal(2, (await fixture.Sql.EventsAsync("product", created.Id)).Count);
    }

    [Fact]
    public async Task Discontinue_ThenChange_Returns409()
    {
        var created = await api.CreateProductAsync(NewProduct("DISC-1", "Fax", "Office", 60m));

        var discontinued = await api.DiscontinueAsync(created.Id);
        var again = await fixture.Client.PostAsync($"/products/{created.Id}/discontinue", null);
        var reprice = await fixture.Client.PutAsJsonAsync($"/products/{created.Id}/price", new ChangePriceRequest(1m, "USD"), CommerceJson.Options);

        Assert.Equal(ProductStatus.Discontinued, discontinued.Status);
        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict), (again.StatusCode, reprice.StatusCode));
        Assert.Equal([nameof(ProductCreated), nameof(ProductDiscontinued)], (await fixture.Sql.EventsAsync("product", created.Id)).Select(e => e.Type));
    }

    [Fact]
    public async Task Search_FiltersByTextCategoryAndPriceWithPaging()
    {
        var category = $"Search-{Guid.NewGuid():N}";
        foreach (var (sku, name, price) in new[] { ("S-1", "Red Kettle", 20m), ("S-2", "Blue Kettle", 35m), ("S-3", "Red Toaster", 50m), ("S-4", "Kettle 100%", 90m) })
        {
            await api.CreateProductAsync(NewProduct($"{category}-{sku}", name, category, price));
        }

        var kettles = await api.SearchProductsAsync(new ProductSearch { Category = category.ToUpperInvariant(), Text = "kettle", MaxPrice = 40m });
        var firstPage = await api.SearchProductsAsync(new ProductSearch { Category = category, PageSize = 3 });
        var secondPage = await api.SearchProductsAsync(new ProductSearch { Category = category, PageSize = 3, Page = 2 });
        var literalPercent = await api.SearchProductsAsync(new ProductSearch { Category = category, Text = "100%" });

        Assert.Equal(["Blue Kettle", "Red Kettle"], kettles.Items.Select(p => p.Name));
        Assert.Equal((4, 3, 1), (firstPage.TotalCount, firstPage.Items.Count, secondPage.Items.Count));
        Assert.Empty(firstPage.Items.Select(p => p.Id).Intersect(secondPage.Items.Select(p => p.Id)));
        Assert.Equal(["Kettle 100%"], literalPercent.Items.Select(p => p.Name));
    }

    [Theory]
    [InlineData("?minPrice=50&maxPrice=10", "minPrice")]
    [InlineData("?pageSize=1000", "pageSize")]
    [InlineData("?page=0", "page")]
    public async Task Search_InvalidQuery_Returns400(string query, string field)
    {
        var response = await fixture.Client.GetAsync($"/products{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>();
        Assert.Contains(field, problem!.Errors.Keys);
    }

    private static CreateProductRequest NewProduct(string sku, string name, string category, decimal price) =>
        new(sku, name, category, price, "USD", $"{name} description");
}
