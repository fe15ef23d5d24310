using System.CommandLine;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Commerce.Cli.Caches;

/// <summary>
/// How the CLI proves to the Commerce API that an operator calls: a bearer token from <c>COMMERCE_TOKEN</c> (one
/// obtained elsewhere, e.g. from an external provider's sign-in), else one it asks the token server for with the
/// operator client's credentials (<c>--client-id</c>; the secret from <c>--client-secret-file</c> or
/// <c>COMMERCE_CLIENT_SECRET</c>, never from an argument, which every user of the machine can read in the process
/// list). The token endpoint comes from the authority's discovery document, so any OpenID provider works.
/// </summary>
internal sealed class OperatorSignIn
{
    public const string TokenVariable = "COMMERCE_TOKEN";
    public const string SecretVariable = "COMMERCE_CLIENT_SECRET";

    public static readonly Option<Uri?> Authority = new("--authority")
    {
        Description = "Token server (OpenID provider) issuing the operator's token [env: COMMERCE_AUTHORITY; default: the API address]",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("COMMERCE_AUTHORITY") is { Length: > 0 } value
                                   && Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : null,
    };

    public static readonly Option<string> ClientId = new("--client-id")
    {
        Description = $"Operator client to sign in as with client credentials; its secret from {SecretVariable} [env: COMMERCE_CLIENT_ID; default: operator]",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("COMMERCE_CLIENT_ID") is { Length: > 0 } value ? value : "operator",
    };

    public static readonly Option<FileInfo?> ClientSecretFile = new("--client-secret-file")
    {
        Description = $"File holding the operator client's secret [env: {SecretVariable} holds the secret itself]",
        Recursive = true,
    };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Sets <paramref name="http"/>'s bearer token; returns why it could not (neither a token nor a secret configured,
    /// the token server refusing), or null.
    /// </summary>
    /// <exception cref="HttpRequestException">The token server could not be reached.</exception>
    public static async Task<string?> AuthorizeAsync(HttpClient http, ParseResult parseResult, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } token)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return null;
        }

        string? secret;
        try
        {
            secret = parseResult.GetValue(ClientSecretFile) is { } file
                ? (await File.ReadAllTextAsync(file.FullName, cancellationToken)).Trim()
                : Environment.GetEnvironmentVariable(SecretVariable);
        }
        catch (IOException exception)
        {
            return $"Could not read the client secret: {exception.Message}";
        }

        if (string.IsNullOrEmpty(secret))
        {
            return $"The Commerce API needs an operator's token: set {SecretVariable} (or --client-secret-file) to the operator "
                   + "client's secret (./run.sh wrote it to .local/identity.env as Authentication__Clients__operator__Secret), "
                   + $"or {TokenVariable} to a token.";
        }

        var authority = parseResult.GetValue(Authority) ?? http.BaseAddress!;
        var clientId = parseResult.GetValue(ClientId)!;
        try
        {
            using var discovery = await http.GetAsync(new Uri(authority, ".well-known/openid-configuration"), cancellationToken);
            if (!discovery.IsSuccessStatusCode)
            {
                return $"{authority} published no OpenID discovery document ({(int)discovery.StatusCode}); set --authority to the token server.";
            }

            var endpoint = (await discovery.Content.ReadFromJsonAsync<Discovery>(Json, cancellationToken))?.TokenEndpoint;
            if (endpoint is null)
            {
                return $"{authority}'s discovery document names no token endpoint.";
            }

            using var response = await http.PostAsync(endpoint, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = clientId,
                ["client_secret"] = secret,
            }), cancellationToken);
            var issued = await response.Content.ReadFromJsonAsync<TokenResponse>(Json, cancellationToken);
            if (!response.IsSuccessStatusCode || issued?.AccessToken is null)
            {
                return $"The token server refused the client '{clientId}' ({(int)response.StatusCode} {issued?.Error}): check {SecretVariable}.";
            }

            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.AccessToken);
            return null;
        }
        catch (JsonException exception)
        {
            return $"{authority} answered something other than an OpenID token server would: {exception.Message}";
        }
    }

    private sealed record Discovery([property: JsonPropertyName("token_endpoint")] Uri? TokenEndpoint);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("error")] string? Error);
}
