using Commerce.Product.Contracts;
using Commerce.Rules;
using Commerce.Seller.Contracts;
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
        // Sellers change their own products (others' answer 404; a suspended seller's 403), operators any product.
        products.MapPost("/", Create).WithName("CreateProduct").ProducesProblems(409, 422).RequireAuthorization(Access.Sellers);
        products.MapPut("/{id:guid}", Update).WithName("UpdateProduct").AcceptsIfMatch().ProducesProblems(404)
            .RequireAuthorization(Access.Sellers);
        products.MapPut("/{id:guid}/price", ChangePrice).WithName("ChangeProductPrice").AcceptsIfMatch().ProducesProblems(404)
            .RequireAuthorization(Access.Sellers);
        products.MapPost("/{id:guid}/discontinue", Discontinue).WithName("DiscontinueProduct").AcceptsIfMatch().ProducesProblems(404)
            .RequireAuthorization(Access.Sellers);
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

        if (query.SellerId is { } sellerId)
        {
            filtered = filtered.Where(p => p.SellerId == sellerId);
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
                p.Version,
                // Correlated subqueries of the same SELECT: the page's sellers and ratings come with it, not per row.
                p.SellerId == null
                    ? null
                    : new ProductSeller(
                        p.SellerId.Value,
                        db.Sellers.Where(s => s.SellerId == p.SellerId).Select(s => s.DisplayName).FirstOrDefault() ?? "",
                        db.Sellers.Any(s => s.SellerId == p.SellerId && s.Status == SellerStatus.Active)),
                db.Ratings.Where(r => r.ProductId == p.Id).Select(r => new ProductRating(r.Count, r.Average, r.Stars)).FirstOrDefault()))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new ProductPage(items, page, pageSize, total));
    }

    private static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> Get(
        Guid id, ProductDbContext db, HttpContext context, Caller caller, CancellationToken cancellationToken)
    {
        var product = await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (product is null)
        {
            return Problems.NotFound($"No product {id}.");
        }

        context.Response.Headers.ETag = ETags.For(product.Version);
        return TypedResults.Ok(await ToResponseAsync(db, product, cancellationToken) with
        {
            InCarts = await db.InCartsAsync(product, caller, cancellationToken),
        });
    }

    private static async Task<Results<Created<ProductResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateProductRequest request,
        Caller caller,
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

        Guid? sellerId;
        if (caller.IsOperator)
        {
            // An operator lists a product for a seller Product knows, or for the shop itself (no seller).
            sellerId = request.SellerId;
            if (sellerId is { } chosen && !await db.Sellers.AnyAsync(s => s.SellerId == chosen, cancellationToken))
            {
                return Problems.Unprocessable($"Product knows no seller {chosen}.", "Unknown seller");
            }
        }
        else
        {
            if (await SellerRefusalAsync(caller, db, cancellationToken) is { } refusal)
            {
                return refusal;
            }

            // Seller ids are public (storefronts show them): naming another one is a rule broken, not a probe to hide.
            if (request.SellerId is { } requested && requested != caller.SellerId)
            {
                return Problems.Unprocessable("A seller lists products only for itself.", "Another seller's product");
            }

            sellerId = caller.SellerId;
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
            SellerId = sellerId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Products.Add(product);
        db.AddEvent(
            new ProductCreated(product.Id, product.Sku, product.Name, product.Category, product.Price, product.Currency, product.SellerId),
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

        logger.LogInformation("Created product {ProductId} with SKU {Sku} for seller {SellerId}", product.Id, product.Sku, product.SellerId);
        context.Response.Headers.ETag = ETags.For(product.Version);
        return TypedResults.Created($"/products/{product.Id}", await ToResponseAsync(db, product, cancellationToken));
    }

    private static Task<Results<Ok<ProductResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id,
        UpdateProductRequest request,
        Caller caller,
        ProductDbContext db,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var validation = new ValidationErrors();
        ValidateDescriptive(validation, request.Name, request.Description, request.Category, request.Attributes, request.ImageUrls);
        return ChangeAsync(id, validation, caller, db, context, product =>
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
        Caller caller,
        ProductDbContext db,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var validation = new ValidationErrors();
        ValidatePrice(validation, request.Price, request.Currency);
        return ChangeAsync(id, validation, caller, db, context, product =>
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
        Guid id, Caller caller, ProductDbContext db, HttpContext context, CancellationToken cancellationToken) =>
        ChangeAsync(id, new ValidationErrors(), caller, db, context, product =>
        {
            product.Status = ProductStatus.Discontinued;
            return Change.Publish(new ProductDiscontinued(product.Id, product.Sku, StateOf(product)));
        }, cancellationToken);

    /// <summary>
    /// Rejects invalid input, then changes the product through the shared pipeline; a discontinued product no
    /// longer changes, and UpdatedAt moves only when something did. A seller sees only its own products (another's
    /// answers 404, as if there were none) and changes them only while it is active.
    /// </summary>
    private static async Task<Results<Ok<ProductResponse>, ValidationProblem, ProblemHttpResult>> ChangeAsync<TEvent>(
        Guid id,
        ValidationErrors validation,
        Caller caller,
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
        if (product is not null && !caller.IsOperator && (caller.SellerId is null || product.SellerId != caller.SellerId))
        {
            product = null;
        }

        var changed = await db.ChangeAsync<CatalogProduct, TEvent>(context, product, $"No product {id}.", async (p, now) =>
        {
            if (!caller.IsOperator && await SellerRefusalAsync(caller, db, cancellationToken) is { } refusal)
            {
                return refusal;
            }

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

    /// <summary>
    /// Null when the calling seller may change its products: Product knows it (from Seller's events) and it is active.
    /// Otherwise a 403 problem: a suspended seller's products stay listed but frozen.
    /// </summary>
    private static async Task<ProblemHttpResult?> SellerRefusalAsync(Caller caller, ProductDbContext db, CancellationToken cancellationToken)
    {
        var status = caller.SellerId is { } sellerId
            ? await db.Sellers.AsNoTracking().Where(s => s.SellerId == sellerId).Select(s => (SellerStatus?)s.Status).FirstOrDefaultAsync(cancellationToken)
            : null;
        return status switch
        {
            SellerStatus.Active => null,
            SellerStatus.Suspended => TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden, title: "Seller suspended", detail: "A suspended seller cannot change its products."),
            _ => TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden, title: "Seller unknown",
                detail: "Product does not know this seller (yet): it learns of a new seller from Seller's events within moments."),
        };
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
        new(product.Sku, product.Name, product.Category, product.Price, product.Currency, product.Status, product.SellerId);

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
        var seller = product.SellerId is { } sellerId
            ? await db.Sellers.AsNoTracking().Where(s => s.SellerId == sellerId)
                .Select(s => new ProductSeller(s.SellerId, s.DisplayName, s.Status == SellerStatus.Active)).FirstOrDefaultAsync(cancellationToken)
              // Sold by a seller Product has not heard of yet: its id, and not shown as active.
              ?? new ProductSeller(sellerId, "", false)
            : null;
        var rating = await db.Ratings.AsNoTracking().Where(r => r.ProductId == product.Id)
            .Select(r => new ProductRating(r.Count, r.Average, r.Stars)).FirstOrDefaultAsync(cancellationToken);
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
            product.Version,
            seller,
            rating);
    }

    /// <summary>GET /products query string (binds by property name).</summary>
    private sealed record SearchQuery(
        string? Text,
        string? Category,
        decimal? MinPrice,
        decimal? MaxPrice,
        ProductStatus? Status,
        Guid? SellerId,
        int? Page,
        int? PageSize);
}
