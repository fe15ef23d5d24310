using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Commerce.ServiceDefaults.Http;

/// <summary>
/// What a route can answer, declared where it is mapped, so every OpenAPI document (and /scalar) lists each
/// operation's problem statuses. tests/BadInput.Tests holds the documents to what the routes actually answer.
/// </summary>
public static class ProblemResponses
{
    private static readonly string[] ProblemJson = ["application/problem+json"];

    /// <summary>Declares the problem details statuses (404, 409, 422, 503...) a route answers.</summary>
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(statuses);
        builder.Add(endpoint => Declare(endpoint, statuses));
        return builder;
    }

    /// <summary>
    /// Every route of <paramref name="builder"/> that reads a JSON body answers what the shared body handling does
    /// (see <see cref="ServiceDefaultsExtensions.AddServiceDefaults"/>): 400 for JSON that does not bind, 413 over
    /// the size cap, 415 for another content type.
    /// </summary>
    public static TBuilder ProducesBodyProblems<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Finally: the body's IAcceptsMetadata is inferred from the handler after ordinary conventions ran.
        builder.Finally(endpoint =>
        {
            if (endpoint.Metadata.OfType<IAcceptsMetadata>().Any())
            {
                Declare(endpoint, [StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType]);
            }
        });
        return builder;
    }

    /// <summary>
    /// Every route of <paramref name="builder"/> that requires authorization answers 401 (no valid token) and 403 (a
    /// token the policy does not admit), as problem details (the status code pages write them).
    /// </summary>
    public static TBuilder ProducesAuthorizationProblems<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Finally: a route declares its policy after the group's conventions ran.
        builder.Finally(endpoint =>
        {
            if (endpoint.Metadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any())
            {
                return;
            }

            if (endpoint.Metadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any()
                || endpoint.Metadata.OfType<Microsoft.AspNetCore.Authorization.AuthorizationPolicy>().Any())
            {
                Declare(endpoint, [StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden]);
            }
        });
        return builder;
    }

    /// <summary>What every OpenAPI document adds to what ASP.NET Core infers: If-Match headers and collection maxima.</summary>
    internal static void Describe(OpenApiOptions options)
    {
        DescribeIfMatch(options);
        RequestCollections.Describe(options);
    }

    /// <summary>Adds the If-Match header to the OpenAPI operation of every route mapped with <see cref="AggregateChanges.AcceptsIfMatch{TBuilder}"/>.</summary>
    private static void DescribeIfMatch(OpenApiOptions options) =>
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IfMatchMetadata>().Any())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "If-Match",
                    In = ParameterLocation.Header,
                    Required = false,
                    Description = "Absent: unconditional. *: any version. \"3\" or W/\"3\" (comma-separated): one of these versions, else 409. Malformed: 400.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }

            return Task.CompletedTask;
        });

    private static void Declare(EndpointBuilder endpoint, IEnumerable<int> statuses)
    {
        var declared = endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Select(m => m.StatusCode).ToHashSet();
        foreach (var status in statuses.Where(declared.Add))
        {
            endpoint.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ProblemJson));
        }
    }
}
