using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Commerce.ServiceDefaults.Security;

/// <summary>
/// Access tokens for this process's own clients (OAuth 2.0 client credentials at the issuer's token endpoint, found
/// through the same discovery document the resource server validates against), cached until a minute before they
/// expire and fetched once however many calls wait for one.
/// </summary>
public sealed class ServiceTokens(
    IHttpClientFactory httpClients,
    IOptionsMonitor<JwtBearerOptions> bearer,
    IOptions<AuthenticationSettings> settings,
    IHostApplicationLifetime lifetime,
    TimeProvider clock)
{
    public const string HttpClientName = "commerce-token-client";

    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Lazy<Task<CachedToken>>> tokens = new(StringComparer.OrdinalIgnoreCase);

    public async Task<string> GetAsync(string clientId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var entry = tokens.GetOrAdd(clientId, id => new Lazy<Task<CachedToken>>(() => RequestAsync(id)));
            CachedToken token;
            try
            {
                token = await entry.Value.WaitAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // A failed request is not cached: the next call asks again.
                tokens.TryRemove(KeyValuePair.Create(clientId, entry));
                throw;
            }

            if (token.RenewAt > clock.GetUtcNow())
            {
                return token.AccessToken;
            }

            tokens.TryRemove(KeyValuePair.Create(clientId, entry));
        }
    }

    /// <summary>Forgets <paramref name="accessToken"/> (refused by a resource server: keys rotated, token server restarted).</summary>
    public void Forget(string clientId, string accessToken)
    {
        if (tokens.TryGetValue(clientId, out var entry) && entry.IsValueCreated && entry.Value.IsCompletedSuccessfully
            && entry.Value.Result.AccessToken == accessToken)
        {
            tokens.TryRemove(KeyValuePair.Create(clientId, entry));
        }
    }

    private async Task<CachedToken> RequestAsync(string clientId)
    {
        var secret = settings.Value.Clients.GetValueOrDefault(clientId)?.Secret;
        if (string.IsNullOrEmpty(secret))
        {
            throw new InvalidOperationException(
                $"No client secret for '{clientId}': set {AuthenticationSettings.Section}:Clients:{clientId}:Secret (run.sh generates one per machine under .local/).");
        }

        // Not the caller's token: a token shared by every waiting call must not die with the first one's cancellation.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        // The default authority is this host's own address when it runs Customer, known once the server listens; a
        // background service asking earlier (an event dispatcher at start-up) waits for it.
        await WhenStartedAsync(timeout.Token);
        var configurationManager = bearer.Get(JwtBearerDefaults.AuthenticationScheme).ConfigurationManager
                                   ?? throw new InvalidOperationException("JwtBearer has no configuration manager (no Authority?).");
        var discovery = await configurationManager.GetConfigurationAsync(timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, discovery.TokenEndpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = clientId,
                ["client_secret"] = secret,
            }),
        };
        var requestedAt = clock.GetUtcNow();
        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            // An outage of the token server is an outage like any other owner's (503 upstream); a refusal is a
            // configuration error worth its own message.
            throw response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized
                ? new InvalidOperationException($"The token server refused client '{clientId}' ({(int)response.StatusCode}): check its secret.")
                : new HttpRequestException($"The token server answered {(int)response.StatusCode}.", null, response.StatusCode);
        }

        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(timeout.Token), cancellationToken: timeout.Token);
        var accessToken = body.RootElement.GetProperty("access_token").GetString()!;
        var lifetime = TimeSpan.FromSeconds(body.RootElement.TryGetProperty("expires_in", out var expiresIn) ? expiresIn.GetInt32() : 300);
        // Renew a minute early, or halfway through a lifetime shorter than two minutes.
        var renewAt = requestedAt + (lifetime > 2 * RenewBefore ? lifetime - RenewBefore : lifetime / 2);
        return new CachedToken(accessToken, renewAt);
    }

    private Task WhenStartedAsync(CancellationToken cancellationToken)
    {
        if (lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return Task.CompletedTask;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(cancellationToken);
    }

    private sealed record CachedToken(string AccessToken, DateTimeOffset RenewAt);
}

/// <summary>
/// Sends each request with a token of <paramref name="clientId"/>. A 401 makes the next request fetch a fresh token
/// (the issuer's keys rotated or it forgot its tokens); the refused request is not replayed, its caller's retry is.
/// </summary>
public sealed class ServiceTokenHandler(ServiceTokens tokens, string clientId) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAsync(clientId, cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            tokens.Forget(clientId, token);
        }

        return response;
    }
}

/// <summary>
/// Sends each request with the token of the request being served: a facade (the Checkout API) acts for its caller,
/// so the owner it calls decides what that caller may see and do.
/// </summary>
public sealed class CallerTokenHandler(IHttpContextAccessor accessor) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var authorization = accessor.HttpContext?.Request.Headers.Authorization.ToString();
        if (!string.IsNullOrEmpty(authorization))
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
