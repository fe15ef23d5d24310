using System.Collections.Concurrent;
using System.Net;

namespace Commerce.Host.Testing;

/// <summary>
/// Which contexts' APIs are "down" for the hosts' outgoing calls, by path prefix (e.g. "/payments"): refused at
/// connection (the host is gone), or answered 503 (the host is up but something it needs, say its database, is not).
/// </summary>
public sealed class ContextOutages
{
    private readonly ConcurrentDictionary<string, bool> down = new(StringComparer.Ordinal);
    private long refused;

    /// <summary>Calls refused or answered 503 so far: how a test knows the callers really met the outage.</summary>
    public long Refused => Interlocked.Read(ref refused);

    public void TakeDown(string pathPrefix, bool answers503 = false) => down[pathPrefix] = answers503;

    public void BringUp(string pathPrefix) => down.TryRemove(pathPrefix, out _);

    /// <summary>Null when the call may go ahead; else whether the "down" context answers 503 rather than refusing the connection.</summary>
    public bool? Refuse(Uri? uri)
    {
        var prefix = uri is null ? null : down.Keys.FirstOrDefault(p => uri.AbsolutePath.StartsWith(p, StringComparison.Ordinal));
        if (prefix is null || !down.TryGetValue(prefix, out var answers503))
        {
            return null;
        }

        Interlocked.Increment(ref refused);
        return answers503;
    }
}

/// <summary>Fails a call to a "down" context the way a refused connection does, before anything is sent, or with a 503 problem.</summary>
public sealed class OutageHandler(ContextOutages outages) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        outages.Refuse(request.RequestUri) switch
        {
            null => base.SendAsync(request, cancellationToken),
            false => Task.FromException<HttpResponseMessage>(new HttpRequestException($"Connection refused ({request.RequestUri?.AbsolutePath})")),
            true => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
            {
                RequestMessage = request,
                Content = new StringContent(
                    """{"status":503,"title":"Temporarily unavailable","detail":"The database cannot be reached right now."}""",
                    System.Text.Encoding.UTF8,
                    "application/problem+json"),
                Headers = { RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(5)) },
            }),
        };
}
