using System.Text.Json;
using Commerce.DataSubjects.Contracts;
using Commerce.ServiceDefaults.Audit;
using Commerce.ServiceDefaults.Security;
using Npgsql;

namespace Commerce.ServiceDefaults.Privacy;

/// <summary>
/// One customer, as a context's personal-data declarations see them: their id, and the keys Customer and Order know
/// them by (<see cref="DataSubjectKeys"/>), for records that carry no customer id (a shipment knows its order); and
/// the request's services (a clock, a logger).
/// </summary>
public sealed record DataSubject(Guid CustomerId, IReadOnlyList<Guid> OrderIds, IReadOnlyList<string> PersonalStrings, IServiceProvider Services)
{
    /// <summary>Whether <paramref name="text"/> contains one of the customer's personal strings (case-insensitive).</summary>
    public bool Mentions(string? text) =>
        text is not null && PersonalStrings.Any(s => text.Contains(s, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One kind of record of a context that holds a customer's personal data, and how to export and erase it.</summary>
internal sealed record PersonalDataDeclaration(
    string Name,
    Func<DbContext, DataSubject, CancellationToken, Task<object?>> Export,
    Func<DbContext, DataSubject, CancellationToken, Task<int>> Erase);

/// <summary>
/// The data-subject routes of every context, under /ops/{context}/subjects/{customerId}, for the data-subject
/// workflow's client only (<see cref="Access.DataSubjects"/>), audited like every ops write:
/// <c>GET keys</c> (what identifies the customer elsewhere), <c>POST export</c> (everything the context holds about
/// them, by kind of record) and <c>POST erasure</c> (idempotent: deletes or anonymises it, and answers what it changed).
/// Mapped for every context, declarations or not: every context has an outbox, and any event it published may have
/// named the customer.
/// </summary>
public static class PersonalDataEndpoints
{
    /// <summary>The erasure report's entry for the outbox events deleted because their payload named the customer.</summary>
    public const string OutboxEvents = "outbox-events";

    internal static void MapPersonalData(this IEndpointRouteBuilder endpoints, CommerceContextRegistration context)
    {
        var subjects = endpoints.MapGroup($"/ops/{context.Slug}/subjects/{{customerId:guid}}").WithGroupName(context.Slug).WithTags("Operator")
            .RequireAuthorization(Access.DataSubjects)
            .ProducesAuthorizationProblems()
            .ProducesProblems(StatusCodes.Status503ServiceUnavailable);
        subjects.WithAuditTrail(context, endpoints.ServiceProvider);

        subjects.MapGet("/keys", async (Guid customerId, IServiceProvider services, CancellationToken cancellationToken) =>
        {
            var keys = DataSubjectKeys.None;
            foreach (var identify in context.SubjectKeys)
            {
                keys = keys.Merge(await identify(services, customerId, cancellationToken));
            }

            // Too short a string would match far more than this person's data: the keys never offer one.
            return TypedResults.Ok(keys with
            {
                PersonalStrings = [.. keys.PersonalStrings.Where(s => s.Length is >= DataSubjectKeys.MinStringLength and <= DataSubjectKeys.MaxStringLength)],
            });
        });

        subjects.MapPost("/export", async Task<Results<Ok<PersonalDataExport>, ValidationProblem>> (
            Guid customerId, DataSubjectKeys keys, IServiceProvider services, CancellationToken cancellationToken) =>
        {
            if (Validate(keys) is { } invalid)
            {
                return invalid;
            }

            await using var scope = services.CreateAsyncScope();
            var subject = new DataSubject(customerId, keys.OrderIds, keys.PersonalStrings, scope.ServiceProvider);
            var db = context.ResolveDbContext(scope.ServiceProvider);
            var data = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var declaration in context.PersonalData)
            {
                if (await declaration.Export(db, subject, cancellationToken) is { } found)
                {
                    data[declaration.Name] = JsonSerializer.SerializeToElement(found, found.GetType(), CommerceJson.Options);
                }
            }

            return TypedResults.Ok(new PersonalDataExport(context.Name, data));
        }).ProducesBodyProblems();

        subjects.MapPost("/erasure", async Task<Results<Ok<PersonalDataErasure>, ValidationProblem>> (
            Guid customerId, DataSubjectKeys keys, IServiceProvider services, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        {
            if (Validate(keys) is { } invalid)
            {
                return invalid;
            }

            await using var scope = services.CreateAsyncScope();
            var subject = new DataSubject(customerId, keys.OrderIds, keys.PersonalStrings, scope.ServiceProvider);
            var db = context.ResolveDbContext(scope.ServiceProvider);
            var erased = new Dictionary<string, int>(StringComparer.Ordinal);
            // The outbox first: an event the declarations below publish (Customer's CustomerDeleted) names only the
            // customer's id, never their strings, so it survives this and a repeated erasure alike.
            erased[OutboxEvents] = await DeleteOutboxEventsAsync(db, context.Schema, subject, cancellationToken);
            foreach (var declaration in context.PersonalData)
            {
                // Each kind saved on its own: a failure leaves the earlier kinds erased, and the retry finds them done.
                erased[declaration.Name] = await declaration.Erase(db, subject, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                db.ChangeTracker.Clear();
            }

            loggers.CreateLogger("Commerce.DataSubjects").LogInformation(
                "{Context} erased the personal data of customer {CustomerId}: {Erased}", context.Name, customerId,
                string.Join(", ", erased.Select(e => $"{e.Key} {e.Value}")));
            return TypedResults.Ok(new PersonalDataErasure(context.Name, erased));
        }).ProducesBodyProblems();
    }

    private static ValidationProblem? Validate(DataSubjectKeys keys)
    {
        var errors = new ValidationErrors();
        for (var i = 0; i < keys.PersonalStrings.Count; i++)
        {
            errors.Check(keys.PersonalStrings[i].Length is >= DataSubjectKeys.MinStringLength and <= DataSubjectKeys.MaxStringLength,
                $"personalStrings[{i}]", $"Between {DataSubjectKeys.MinStringLength} and {DataSubjectKeys.MaxStringLength} characters.");
        }

        return errors.Any ? errors.Problem() : null;
    }

    /// <summary>
    /// Deletes the context's outbox events (and their deliveries: pending, delivered or dead-lettered) whose payload
    /// holds one of the customer's personal strings. Deleted, not rewritten: an event is the owner's statement of a past
    /// state, and a pending one delivered after its subscriber's erasure would bring the data back. Events naming the
    /// customer only by id stay (a pseudonym with nothing left behind it once every context has erased).
    /// </summary>
    private static async Task<int> DeleteOutboxEventsAsync(DbContext db, string schema, DataSubject subject, CancellationToken cancellationToken)
    {
        if (subject.PersonalStrings.Count == 0)
        {
            return 0;
        }

        var strings = new NpgsqlParameter("strings", subject.PersonalStrings.Select(s => s.ToLowerInvariant()).ToArray());
        // jsonb's text form escapes only quotes, backslashes and control characters, none of which a name, e-mail,
        // phone or address line holds; strpos, not LIKE, so no character of theirs is a wildcard.
        // The schema is the context's own name (an identifier from code, never input); the strings are a parameter.
        var named = $"SELECT m.id FROM \"{schema}\".outbox_messages m WHERE EXISTS (SELECT 1 FROM unnest(@strings) s WHERE strpos(lower(m.payload::text), s) > 0)";
        var deleteDeliveries = $"DELETE FROM \"{schema}\".outbox_deliveries WHERE message_id IN ({named})";
        var deleteMessages = $"DELETE FROM \"{schema}\".outbox_messages WHERE id IN ({named})";
        await db.Database.ExecuteSqlRawAsync(deleteDeliveries, [strings], cancellationToken);
        return await db.Database.ExecuteSqlRawAsync(deleteMessages, [new NpgsqlParameter("strings", strings.Value)], cancellationToken);
    }
}
