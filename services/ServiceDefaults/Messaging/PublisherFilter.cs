using Commerce.ServiceDefaults.Security;

namespace Commerce.ServiceDefaults.Messaging;

public static class PublisherFilter
{
    /// <summary>
    /// An event delivery is accepted only from its publisher's own dispatcher: the envelope's <c>Source</c> must be the
    /// calling client (context X delivers with X's token). Otherwise any service could forge another context's events
    /// — and the versions the inbox trusts — so a mismatch is a 403 and nothing is handled.
    /// </summary>
    public static RouteHandlerBuilder AcceptsEventsOnlyFromTheirPublisher(this RouteHandlerBuilder route) =>
        route.AddEndpointFilter(async (context, next) =>
        {
            var envelope = context.Arguments.OfType<EventEnvelope>().Single();
            var names = context.HttpContext.RequestServices.GetRequiredService<IOptions<AuthenticationSettings>>().Value.Claims;
            var caller = Caller.From(context.HttpContext.User, names);
            if (!caller.IsClient(Clients.For(envelope.Source)))
            {
                context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Commerce.Inbox").LogWarning(
                    "Refused event {EventId} claiming publisher {Source} from client {ClientId}", envelope.Id, envelope.Source, caller.ClientId);
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not the publisher",
                    detail: $"Events of {envelope.Source} are accepted only from {envelope.Source}'s own dispatcher.");
            }

            return await next(context);
        }).ProducesProblems(StatusCodes.Status403Forbidden);
}
