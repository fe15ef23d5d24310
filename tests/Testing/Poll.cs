using System.Diagnostics;

namespace Commerce.Testing;

/// <summary>
/// Polls real state until a condition holds, for what the system announces to nobody a test could await: a saga's
/// query, rows a background dispatcher writes, a server's answer. Fails saying what it saw last, not with a bare
/// cancellation.
/// </summary>
public static class Poll
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(25);

    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? DefaultTimeout;
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            if (elapsed.Elapsed > limit)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:0.#} s for a condition that did not hold; last seen: {value}.");
            }

            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, TimeSpan? interval = null) =>
        UntilAsync(condition, holds => holds, timeout, interval);
}
