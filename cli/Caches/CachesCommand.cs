using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Commerce.Cli.Caches;

/// <summary>
/// <c>commerce caches rebuild &lt;context&gt;</c>: has a context rebuild the caches it keeps of other contexts' data from
/// their owners' APIs (<c>POST /ops/{context}/caches/rebuild</c>), for a subscriber that missed events.
/// </summary>
internal static class CachesCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Command Create()
    {
        var apiUrl = new Option<Uri>("--api-url")
        {
            Description = "Base address of the host serving the context [env: COMMERCE_API_URL; default: http://127.0.0.1:5080]",
            Recursive = true,
            DefaultValueFactory = _ => new Uri(Environment.GetEnvironmentVariable("COMMERCE_API_URL") ?? "http://127.0.0.1:5080"),
            CustomParser = result =>
            {
                if (Uri.TryCreate(result.Tokens[0].Value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                {
                    return uri;
                }

                result.AddError("--api-url must be an absolute http(s) address, e.g. http://127.0.0.1:5080.");
                return null;
            },
        };
        var caches = new Command("caches", "Rebuild a context's caches of other contexts' data (as an operator).")
        {
            apiUrl, OperatorSignIn.Authority, OperatorSignIn.ClientId, OperatorSignIn.ClientSecretFile,
        };
        caches.Subcommands.Add(Rebuild(apiUrl));
        return caches;
    }

    private static Command Rebuild(Option<Uri> apiUrl)
    {
        var context = new Argument<string>("context") { Description = "The context whose caches to rebuild, e.g. notification, order, product" };
        context.Validators.Add(result =>
        {
            if (result.Tokens is [var token] && (token.Value.Length is 0 or > 50 || !token.Value.All(char.IsAsciiLetter)))
            {
                result.AddError("The context is a name such as notification, order or product.");
            }
        });
        var command = new Command("rebuild",
            "Read every copy a context caches from its owner's API and refresh the missing or older ones (safe beside live events).") { context };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = new CommandOutput(parseResult);
            var slug = parseResult.GetValue(context)!.ToLowerInvariant();
            var api = parseResult.GetValue(apiUrl)!;
            using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromMinutes(30) };
            HttpResponseMessage response;
            try
            {
                if (await OperatorSignIn.AuthorizeAsync(http, parseResult, cancellationToken) is { } signInProblem)
                {
                    output.Error(signInProblem);
                    return ExitCodes.Unauthorized;
                }

                response = await http.PostAsync(new Uri($"ops/{slug}/caches/rebuild", UriKind.Relative), null, cancellationToken);
            }
            catch (HttpRequestException exception)
            {
                output.Error($"Could not reach the Commerce API or its token server ({api}): {exception.Message}");
                return ExitCodes.Unreachable;
            }

            using (response)
            {
                switch (response.StatusCode)
                {
                    case HttpStatusCode.OK:
                        var report = (await response.Content.ReadFromJsonAsync<RebuildReport>(Json, cancellationToken))!;
                        Print(output, report);
                        return ExitCodes.Success;
                    case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                        output.Error($"The API refused the token ({(int)response.StatusCode}): the rebuild is an operator's; "
                                     + $"check --client-id and its secret, or {OperatorSignIn.TokenVariable}.");
                        return ExitCodes.Unauthorized;
                    case HttpStatusCode.NotFound:
                        output.Error($"{api} serves no context '{slug}' that keeps caches (contexts with caches: notification, order, product).");
                        return ExitCodes.NotFound;
                    case HttpStatusCode.ServiceUnavailable:
                        output.Error($"The rebuild stopped: {await DetailAsync(response, cancellationToken)}");
                        return ExitCodes.Unreachable;
                    default:
                        output.Error($"The rebuild was refused ({(int)response.StatusCode}): {await DetailAsync(response, cancellationToken)}");
                        return ExitCodes.Refused;
                }
            }
        });
        return command;
    }

    private static void Print(CommandOutput output, RebuildReport report)
    {
        if (output.IsJson)
        {
            output.WriteJson(report);
            return;
        }

        output.Line($"{report.Context}: caches rebuilt from their owners.");
        output.Table(
            ["CACHE", "LISTED BY OWNER", "REFRESHED"],
            report.Caches.Select(c => (IReadOnlyList<string>)
                [c.Cache, c.OwnerCopies.ToString(CultureInfo.InvariantCulture), c.Refreshed.ToString(CultureInfo.InvariantCulture)]));
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    private sealed record RebuildReport(string Context, IReadOnlyList<RebuiltCache> Caches);

    private sealed record RebuiltCache(string Cache, int OwnerCopies, int Refreshed);
}
