using System.Text.Json;
using Commerce.ServiceDefaults.Security;

namespace Commerce.ServiceDefaults.Audit;

/// <param name="Resource">The route values and query parameters of the request, and the location of what a 201 created.</param>
/// <param name="Outcome">The HTTP status the request was answered with.</param>
public sealed record AuditRecordResponse(
    long Id,
    DateTimeOffset RecordedAt,
    string? Subject,
    string? ClientId,
    string Action,
    string Method,
    IReadOnlyDictionary<string, string> Resource,
    int Outcome,
    string? TraceId);

/// <param name="Next">The <c>after</c> of the next page; null on the last.</param>
public sealed record AuditPage(IReadOnlyList<AuditRecordResponse> Records, long? Next);

internal static class AuditEndpoints
{
    private const int PageDefault = 100;
    private const int PageMax = 1000;

    /// <summary>
    /// GET /ops/{context}/audit?after=&amp;limit=: the context's audit trail for operators, oldest first, a page at a
    /// time (keyset paging on the record id: pass the previous page's <c>next</c> as <c>after</c>).
    /// </summary>
    public static void MapAuditTrail(this IEndpointRouteBuilder endpoints, CommerceContextRegistration context) =>
        endpoints.MapGet($"/ops/{context.Slug}/audit", async Task<Results<Ok<AuditPage>, ValidationProblem>> (
                long? after, int? limit, HttpContext http, CancellationToken cancellationToken) =>
            {
                var size = limit ?? PageDefault;
                if (size is < 1 or > PageMax)
                {
                    return Problems.Validation("limit", $"Between 1 and {PageMax}.");
                }

                var rows = await context.ResolveDbContext(http.RequestServices).Set<AuditRecord>().AsNoTracking()
                    .Where(r => after == null || r.Id > after)
                    .OrderBy(r => r.Id)
                    .Take(size)
                    .ToListAsync(cancellationToken);
                return TypedResults.Ok(new AuditPage([.. rows.Select(ToResponse)], rows.Count == size ? rows[^1].Id : null));
            })
            .RequireAuthorization(Access.Operators)
            .WithGroupName(context.Slug)
            .WithTags("Operator")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status503ServiceUnavailable);

    private static AuditRecordResponse ToResponse(AuditRecord r) => new(r.Id, r.RecordedAt, r.Subject, r.ClientId, r.Action, r.Method,
        JsonSerializer.Deserialize<Dictionary<string, string>>(r.Resource) ?? [], r.Outcome, r.TraceId);
}
