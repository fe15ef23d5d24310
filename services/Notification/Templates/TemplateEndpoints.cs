using System.Text.RegularExpressions;
using Commerce.Notification.Contracts;
using Commerce.ServiceDefaults.Security;

namespace Commerce.Notification.Templates;

public static partial class TemplateEndpoints
{
    public static IEndpointRouteBuilder MapTemplates(this IEndpointRouteBuilder routes)
    {
        var templates = routes.MapContextGroup("Notification", "/notifications/templates");
        // What the shop says to its customers is the operators' to read and write.
        templates.MapGet("/", List).WithName("ListTemplates").RequireAuthorization(Access.Operators);
        templates.MapGet("/{key}", Get).WithName("GetTemplate").ProducesProblems(404).RequireAuthorization(Access.Operators);
        templates.MapPut("/{key}", Put).WithName("PutTemplate").AcceptsIfMatch().RequireAuthorization(Access.Operators);
        return routes;
    }

    private static async Task<Ok<List<TemplateResponse>>> List(NotificationDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Templates.AsNoTracking().OrderBy(t => t.Key)
            .Select(t => new TemplateResponse(t.Key, t.Subject, t.Body, t.Version)).ToListAsync(cancellationToken));

    private static async Task<Results<Ok<TemplateResponse>, ProblemHttpResult>> Get(
        string key, NotificationDbContext db, HttpContext context, CancellationToken cancellationToken)
    {
        var template = await db.Templates.AsNoTracking().FirstOrDefaultAsync(t => t.Key == key, cancellationToken);
        if (template is null)
        {
            return Problems.NotFound($"No template {key}.");
        }

        context.Response.Headers.ETag = ETags.For(template.Version);
        return TypedResults.Ok(ToResponse(template));
    }

    /// <summary>201 when the key is new, 200 when it replaced an existing template (If-Match checked).</summary>
    private static async Task<Results<Created<TemplateResponse>, Ok<TemplateResponse>, ValidationProblem, ProblemHttpResult>> Put(
        string key, TemplateRequest request, NotificationDbContext db, TimeProvider clock, HttpContext context, CancellationToken cancellationToken)
    {
        var validation = new ValidationErrors();
        if (key.Length > Limits.TemplateKey || !KeyPattern().IsMatch(key))
        {
            validation.Add("key", "Lower-case letters, digits and dashes.");
        }

        validation.Text(request.Subject, "subject", Limits.Subject).NoCardNumber(request.Subject, "subject");
        validation.Text(request.Body, "body", Limits.Body).NoCardNumber(request.Body, "body");
        if (validation.Any)
        {
            return validation.Problem();
        }

        var template = await db.Templates.FirstOrDefaultAsync(t => t.Key == key, cancellationToken);
        if (template is not null)
        {
            var changed = await db.ChangeAsync(context, template, $"No template {key}.", (t, _) =>
            {
                t.Subject = request.Subject;
                t.Body = request.Body;
                return Change.Publish(new NotificationTemplateChanged(t.Key, t.Subject, t.Body));
            }, cancellationToken);
            return changed.Problem is { } problem ? problem : TypedResults.Ok(ToResponse(template));
        }

        // A new key: there is no version yet for If-Match to name.
        template = new MessageTemplate { Key = key, Subject = request.Subject, Body = request.Body };
        db.Templates.Add(template);
        db.AddEvent(new NotificationTemplateChanged(template.Key, template.Subject, template.Body), template.Key, template.Version, clock.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (Checks.IsUniqueViolation(exception))
        {
            return Problems.Conflict($"Template {key} was created concurrently; retry.");
        }

        context.Response.Headers.ETag = ETags.For(template.Version);
        return TypedResults.Created($"/notifications/templates/{key}", ToResponse(template));
    }

    private static TemplateResponse ToResponse(MessageTemplate template) =>
        new(template.Key, template.Subject, template.Body, template.Version);

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KeyPattern();
}
