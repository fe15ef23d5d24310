using System.Collections.Concurrent;

namespace Commerce.Host.Testing;

/// <summary>Which contexts' APIs are "down" for the hosts' outgoing calls, by path prefix (e.g. "/payments").</summary>
public sealed class ContextOutages
{
    private readonly ConcurrentDictionary<string, bool> down = new(StringComparer.Ordinal);
    private long refused;

    /// <summary>Calls refused so far: how a test knows the callers really met the outage.</summary>
    public long Refused => Interlocked.Read(ref refused);

    public void TakeDown(string pathPrefix) => down[pathPrefix] = true;

    public void BringUp(string pathPrefix) => down.TryRemove(pathPrefix, out _);

    public bool Refuse(Uri? uri)
    {
        if (uri is null || !down.Keys.Any(prefix => uri.AbsolutePath.StartsWith(prefix, StringComparison.Ordinal)))
        {
            return false;
        }

        Interlocked.Increment(ref refused);
        return true;
    }
}

/// <summary>Fails a call to a "down" context the way a refused connection does, before anything is sent.</summary>
public sealed class OutageHandler(ContextOutages outages) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        outages.Refuse(request.RequestUri)
            ? Task.FromException<HttpResponseMessage>(new HttpRequestException($"Connection refused ({request.RequestUri?.AbsolutePath})"))
            : base.SendAsync(request, cancellationToken);
}
