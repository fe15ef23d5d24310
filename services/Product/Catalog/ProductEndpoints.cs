using Commerce.Product.Contracts;
using Commerce.Rules;
using Commerce.ServiceDefaults.Security;
using Microsoft.AspNetCore.Mvc;

namespace Commerce.Product.Catalog;

public static class ProductEndpoints
{
    public static IEndpointRouteBuilder MapProducts(this IEndpointRouteBuilder routes)
    {
        var products = routes.MapContextGroup("Product", "/products");
        // The catalog is the shop window: anyone browses it, signed in or not (Order reads it too).
        products.MapGet("/", Search).WithName("SearchProducts").AllowAnonymous();
        products.MapGet("/{id:guid}", Get).WithName("GetProduct").ProducesProblems(404).AllowAnonymous();
        // Only the shop's operators change it (sellers editing their own products come with the Seller context).
        products.MapPost("/", Create).WithName("CreateProduct").ProducesProblems(409).RequireAuthorization(Access.Operators);
        products.MapPut("/{id:guid}", Update).WithName("UpdateProduct").AcceptsIfMatch().ProducesProblems(404)
            .RequireAuthorization(Access.Operators);
        products.MapPut("/{id:guid}/price", ChangePrice).WithName("ChangeProductPrice").AcceptsIfMatch().ProducesProblems(404)
            .RequireAuthorization(Access.Operators);
        products.MapPost("/{id:guid}/discontinue", Discontinue).WithName("DiscontinueProduct").AcceptsIfMatch().ProducesProblems(404)
            .RequireAuthorization(Access.Operators);
        return routes;
    }

    private static async Task<Results<Ok<ProductPage>, ValidationProblem>> Search(
        [AsParameters] SearchQuery query, ProductDbContext db, CancellationToken cancellationToken)
    {
        var page = query.Page ?? 1;
        var pageSize = query.PageSize ?? Limits.DefaultPageSize;
        var validation = new ValidationErrors();
        if (page is < 1 or > Limits.MaxPage)
        {
            validation.Add("page", $"Between 1 and {Limits.MaxPage}.");
        }

        if (pageSize is < 1 or > Limits.MaxPageSize)
        {
            validation.Add("pageSize", $"Between 1 and {Limits.MaxPageSize}.");
        }

        if (query.MinPrice < 0 || query.MaxPrice < 0)
        {
            validation.Add("minPrice", "Prices are not negative.");
        }

        if (query.MinPrice > query.MaxPrice)
        {
            validation.Add("minPrice", "Must not exceed maxPrice.");
        }

        validation.Check(query.Text is null || query.Text.Length <= Limits.Name, "text", $"At most {Limits.Name} characters.");
        validation.Check(query.Category is null || query.Category.Length <= Limits.Category, "category", $"At most {Limits.Category} characters.");
        if (validation.Any)
        {
            return validation.Problem();
        }

        var filtered = db.Products.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            var pattern = $"%{EscapeLike(query.Text.Trim())}%";
            filtered = filtered.Where(p =>
                EF.Functions.ILike(p.Name, pattern, "\\") ||
                EF.Functions.ILike(p.Description, pattern, "\\") ||
                EF.Functions.ILike(p.Sku, pattern, "\\"));
        }

        if (!string.IsNullOrWhiteSpace(query.Category))
        {
            var category = query.Category.Trim().ToLowerInvariant();
            filtered = filtered.Where(p => p.Category.ToLower() == category);
        }

        if (query.MinPrice is { } min)
        {
            filtered = filtered.Where(p => p.Price >= min);
        }

        if (query.MaxPrice is { } max)
        {
            filtered = filtered.Where(p => p.Price <= max);
        }

        if (query.Status is { } status)
        {
            filtered = filtered.Where(p => p.Status == status);
        }

        var total = await filtered.CountAsync(cancellationToken);
        var items = await filtered
            .OrderBy(p => p.Name).ThenBy(p => p.Id)
            .Skip((page - 1) * pageSize)
            .Take(pageSize)
            .Select(p => new ProductSummary(
                p.Id,
                p.Sku,
                p.Name,
                p.Category,
                p.Price,
                p.Currency,
                p.Status,
                db.StockLevels.Any(s => s.Sku == p.Sku) ? db.StockLevels.Where(s => s.Sku == p.Sku).Sum(s => (long)s.Available) : null,
                p.Version))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new ProductPage(items, page, pageSize, total));
    }

    private static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> Get(
        Guid id, ProductDbContext db, HttpContext context, CancellationToken cancellationToken)
    {
        var product = await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (product is null)
        {
            return Problems.NotFound($"No product {id}.");
        }

        context.Response.Headers.ETag = ETags.For(product.Version);
        return TypedResults.Ok(await ToResponseAsync(db, product, cancellationToken));
    }

    private static async Task<Results<Created<ProductResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateProductRequest request,
        ProductDbContext db,
        TimeProvider clock,
        HttpContext context,
        ILogger<ProductDbContext> logger,
        CancellationToken cancellationToken)
    {
        var validation = new ValidationErrors();
        validation.Text(request.Sku, "sku", Limits.Sku);
        ValidateDescriptive(validation, request.Name, request.Description, request.Category, request.Attributes, request.ImageUrls);
        ValidatePrice(validation, request.Price, request.Currency);
        if (validation.Any)
        {
            return validation.Problem();
        }

        var sku = request.Sku.Trim();
        if (await db.Products.AnyAsync(p => p.Sku == sku, cancellationToken))
        {
            return Problems.Conflict($"A product with SKU {sku} exists.");
        }

        var now = clock.GetUtcNow();
        var product = new CatalogProduct
        {
            Id = Guid.CreateVersion7(),
            Sku = sku,
            Name = request.Name.Trim(),
            Description = request.Description?.Trim() ?? "",
            Category = request.Category.Trim(),
            Price = request.Price,
            Currency = request.Currency,
            Attributes = ToAttributes(request.Attributes),
            ImageUrls = [.. request.ImageUrls ?? []],
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Products.Add(product);
        db.AddEvent(
            new ProductCreated(product.Id, product.Sku, product.Name, product.Category, product.Price, product.Currency),
            product.Id,
            product.Version,
            now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (Checks.IsUniqueViolation(exception))
        {
            return Problems.Conflict($"A product with SKU {sku} exists.");
        }

        logger.LogInformation("Created product {ProductId} with SKU {Sku}", product.Id, product.Sku);
        context.Response.Headers.ETag = ETags.For(product.Version);
        return TypedResults.Created($"/products/{product.Id}", await ToResponseAsync(db, product, cancellationToken));
    }

    private static Task<Results<Ok<ProductResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id,
        UpdateProductRequest request,
        ProductDbContext db,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var validation = new ValidationErrors();
        ValidateDescriptive(validation, request.Name, request.Description, request.Category, request.Attributes, request.ImageUrls);
        return ChangeAsync(id, validation, db, context, product =>
        {
            product.Name = request.Name.Trim();
            product.Description = request.Description?.Trim() ?? "";
            product.Category = request.Category.Trim();
            product.Attributes = ToAttributes(request.Attributes);
            product.ImageUrls = [.. request.ImageUrls ?? []];
            return Change.Publish(new ProductUpdated(product.Id, product.Sku, product.Name, product.Description, product.Category, StateOf(product)));
        }, cancellationToken);
    }

    private static Task<Results<Ok<ProductResponse>, ValidationProblem, ProblemHttpResult>> ChangePrice(
        Guid id,
        ChangePriceRequest request,
        ProductDbContext db,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var validation = new ValidationErrors();
        ValidatePrice(validation, request.Price, request.Currency);
        return ChangeAsync(id, validation, db, context, product =>
        {
            if (product.Price == request.Price && product.Currency == request.Currency)
            {
                return Change<ProductPriceChanged>.None;
            }

            var old = product.Price;
            product.Price = request.Price;
            product.Currency = request.Currency;
            return new ProductPriceChanged(product.Id, product.Sku, old, product.Price, product.Currency, StateOf(product));
        }, cancellationToken);
    }

    private static Task<Results<Ok<ProductResponse>, ValidationProblem, ProblemHttpResult>> Discontinue(
        Guid id, ProductDbContext db, HttpContext context, CancellationToken cancellationToken) =>
        ChangeAsync(id, new ValidationErrors(), db, context, product =>
        {
            product.Status = ProductStatus.Discontinued;
            return Change.Publish(new ProductDiscontinued(product.Id, product.Sku, StateOf(product)));
        }, cancellationToken);

    /// <summary>
    /// Rejects invalid input, then changes the product through the shared pipeline; a discontinued product no
    /// longer changes, and UpdatedAt moves only when something did.
    /// </summary>
    private static async Task<Results<Ok<ProductResponse>, ValidationProblem, ProblemHttpResult>> ChangeAsync<TEvent>(
        Guid id,
        ValidationErrors validation,
        ProductDbContext db,
        HttpContext context,
        Func<CatalogProduct, Change<TEvent>> change,
        CancellationToken cancellationToken)
        where TEvent : notnull
    {
        if (validation.Any)
        {
            return validation.Problem();
        }

        var product = await db.Products.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        var changed = await db.ChangeAsync(context, product, $"No product {id}.", (p, now) =>
        {
            if (p.Status == ProductStatus.Discontinued)
            {
                return Problems.Conflict($"Product {id} is discontinued and can no longer change.");
            }

            var made = change(p);
            if (made.Changed)
            {
                p.UpdatedAt = now;
            }

            return made;
        }, cancellationToken);
        return changed.Problem is { } problem ? problem : TypedResults.Ok(await ToResponseAsync(db, changed.Aggregate!, cancellationToken));
    }

    private static void ValidateDescriptive(
        ValidationErrors validation,
        string? name,
        string? description,
        string? category,
        IReadOnlyList<ProductAttribute>? attributes,
        IReadOnlyList<string>? imageUrls)
    {
        validation.Text(name, "name", Limits.Name).NoCardNumber(name, "name");
        validation.Check(description is null || description.Length <= Limits.Description, "description", $"At most {Limits.Description} characters.")
            .NoCardNumber(description, "description");
        validation.Text(category, "category", Limits.Category);
        if (attributes is { Count: > Limits.Attributes })
        {
            validation.Add("attributes", $"At most {Limits.Attributes}.");
        }

        for (var i = 0; i < Math.Min(attributes?.Count ?? 0, Limits.Attributes); i++)
        {
            validation.Text(attributes![i]?.Name, $"attributes[{i}].name", Limits.AttributeName);
            validation.Text(attributes[i]?.Value, $"attributes[{i}].value", Limits.AttributeValue)
                .NoCardNumber(attributes[i]?.Value, $"attributes[{i}].value");
        }

        if (attributes?.Where(a => a?.Name is not null).GroupBy(a => a.Name.Trim(), StringComparer.OrdinalIgnoreCase)
                .Any(g => g.Count() > 1) == true)
        {
            validation.Add("attributes", "Names are unique.");
        }

        if (imageUrls is { Count: > Limits.ImageUrls })
        {
            validation.Add("imageUrls", $"At most {Limits.ImageUrls}.");
        }

        for (var i = 0; i < Math.Min(imageUrls?.Count ?? 0, Limits.ImageUrls); i++)
        {
            var url = imageUrls![i];
            if (url is null || url.Length > Limits.ImageUrl ||
                !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                validation.Add($"imageUrls[{i}]", "An absolute http(s) URL.");
            }
        }
    }

    private static void ValidatePrice(ValidationErrors validation, decimal price, string? currency)
    {
        if (price <= 0)
        {
            validation.Add("price", "Greater than zero.");
        }
        else if (!Amounts.IsValid(price))
        {
            validation.Add("price", "At most two decimals and sixteen integer digits.");
        }

        validation.Check(Checks.IsCurrencyCode(currency), "currency", "A three-letter upper-case ISO 4217 code, e.g. USD.");
    }

    private static ProductState StateOf(CatalogProduct product) =>
        new(product.Sku, product.Name, product.Category, product.Price, product.Currency, product.Status);

    private static List<SpecificationAttribute> ToAttributes(IReadOnlyList<ProductAttribute>? attributes) =>
        attributes?.Select(a => new SpecificationAttribute { Name = a.Name.Trim(), Value = a.Value.Trim() }).ToList() ?? [];

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal);

    private static async Task<ProductResponse> ToResponseAsync(
        ProductDbContext db, CatalogProduct product, CancellationToken cancellationToken)
    {
        var warehouses = await db.StockLevels.Where(s => s.Sku == product.Sku).Select(s => s.Available).ToListAsync(cancellationToken);
        long? available = warehouses.Count == 0 ? null : warehouses.Sum(a => (long)a);
        return new ProductResponse(
            product.Id,
            product.Sku,
            product.Name,
            product.Description,
            product.Category,
            product.Price,
            product.Currency,
            product.Status,
            [.. product.Attributes.Select(a => new ProductAttribute(a.Name, a.Value))],
            product.ImageUrls,
            available,
            product.Version);
    }

    /// <summary>GET /products query string (binds by property name).</summary>
    private sealed record SearchQuery(
        string? Text,
        string? Category,
        decimal? MinPrice,
        decimal? MaxPrice,
        ProductStatus? Status,
        int? Page,
        int? PageSize);
}
