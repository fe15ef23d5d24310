using System.Text.Json;
using Commerce.Customer.Contracts;
using Commerce.ServiceDefaults.Audit;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Customer.DataRequests;

/// <summary>
/// /customers/{id}/data-requests: the customer's (or an operator's) access and erasure requests. Customer records the
/// request and publishes <see cref="DataSubjectRequested"/> in one transaction, so every request reaches the
/// data-subject workflow (which the DataSubjects process starts from the event, one per request), and the workflow
/// records its outcome here. Writes are audited like every route of the group; operators' reads too.
/// </summary>
public static class DataRequestEndpoints
{
    public static IEndpointRouteBuilder MapDataRequests(this IEndpointRouteBuilder routes)
    {
        var requests = routes.MapContextGroup("Customer", "/customers/{id:guid}/data-requests").AuditsOperatorReads();
        requests.MapPost("/", RequestAsync).WithName("RequestCustomerData").ProducesProblems(404)
            .RequireAuthorization(Access.Customers);
        requests.MapGet("/{requestId:guid}", GetAsync).WithName("GetCustomerDataRequest").ProducesProblems(404)
            .RequireAuthorization(Access.Customers);
        requests.MapPost("/{requestId:guid}/outcome", RecordOutcomeAsync).WithName("RecordCustomerDataRequestOutcome").ProducesProblems(404)
            .RequireAuthorization(Access.DataSubjects);
        return routes;
    }

    /// <summary>202 with the request; a request of the same kind still running is answered instead of a second one.</summary>
    private static async Task<Results<Accepted<DataRequestResponse>, ProblemHttpResult>> RequestAsync(
        Guid id, CreateDataRequest request, CustomerDbContext db, Caller caller, TimeProvider time, CancellationToken cancellationToken)
    {
        // Operators may ask for a closed (deleted) account's data too; the customer only while theirs is open.
        var customer = caller.MayActFor(id)
            ? await db.Customers.AsNoTracking().Where(c => c.Id == id && (caller.IsOperator || c.Status != CustomerStatus.Deleted))
                .Select(c => new { c.Id }).FirstOrDefaultAsync(cancellationToken)
            : null;
        if (customer is null)
        {
            return Problems.NotFound($"No customer {id}.");
        }

        var running = await db.DataRequests.AsNoTracking()
            .FirstOrDefaultAsync(r => r.CustomerId == id && r.Kind == request.Kind && r.Status == DataRequestStatus.Running, cancellationToken);
        if (running is not null)
        {
            return TypedResults.Accepted(Location(running), ToResponse(running));
        }

        var now = time.GetUtcNow();
        var created = new DataRequest { Id = Guid.NewGuid(), CustomerId = id, Kind = request.Kind, Status = DataRequestStatus.Running, RequestedAt = now };
        db.DataRequests.Add(created);
        db.AddEvent(new DataSubjectRequested(created.Id, id, created.Kind), created.Id, 1, now);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted(Location(created), ToResponse(created));
    }

    private static async Task<Results<Ok<DataRequestResponse>, ProblemHttpResult>> GetAsync(
        Guid id, Guid requestId, CustomerDbContext db, Caller caller, CancellationToken cancellationToken)
    {
        var request = caller.MayActFor(id)
            ? await db.DataRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId && r.CustomerId == id, cancellationToken)
            : null;
        return request is null ? Problems.NotFound($"No data request {requestId} of customer {id}.") : TypedResults.Ok(ToResponse(request));
    }

    /// <summary>Completes the request once; a repeat (the workflow's retried activity) answers it as recorded.</summary>
    private static async Task<Results<Ok<DataRequestResponse>, ProblemHttpResult>> RecordOutcomeAsync(
        Guid id, Guid requestId, DataRequestOutcome outcome, CustomerDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var request = await db.DataRequests.FirstOrDefaultAsync(r => r.Id == requestId && r.CustomerId == id, cancellationToken);
        if (request is null)
        {
            return Problems.NotFound($"No data request {requestId} of customer {id}.");
        }

        if (request.Status == DataRequestStatus.Running)
        {
            request.Status = DataRequestStatus.Completed;
            request.CompletedAt = time.GetUtcNow();
            request.Document = request.Kind == DataRequestKind.Access && outcome.Document is { } document ? document.GetRawText() : null;
            request.Erased = request.Kind == DataRequestKind.Erasure && outcome.Erased is { } erased
                ? JsonSerializer.Serialize(erased, CommerceJson.Options)
                : null;
            await db.SaveChangesAsync(cancellationToken);
        }

        return TypedResults.Ok(ToResponse(request));
    }

    private static string Location(DataRequest r) => $"/customers/{r.CustomerId}/data-requests/{r.Id}";

    private static DataRequestResponse ToResponse(DataRequest r) => new(
        r.Id, r.CustomerId, r.Kind, r.Status, r.RequestedAt, r.CompletedAt,
        r.Document is null ? null : JsonDocument.Parse(r.Document).RootElement.Clone(),
        r.Erased is null ? null : JsonSerializer.Deserialize<Dictionary<string, IReadOnlyDictionary<string, int>>>(r.Erased, CommerceJson.Options));
}
