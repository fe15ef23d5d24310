using System.Text.Json;
using Commerce.ServiceDefaults;
using Commerce.ServiceDefaults.Messaging;
using Xunit;

namespace Commerce.Host.Testing;

/// <summary>
/// Drives a subscriber's cache with an owner's real events in every possible delivery order: each permutation goes
/// to a fresh copy of the aggregate (its key renamed in envelope and payload), followed by every event once more
/// (duplicates, newest first), and the cached copy must end equal to the one in-order delivery leaves.
/// </summary>
public static class Convergence
{
    /// <summary>An owner's outbox rows whose aggregate id starts with <paramref name="aggregateIdPrefix"/>, as the dispatcher would POST them.</summary>
    public static async Task<List<EventEnvelope>> OutboxEnvelopesAsync(this Sql sql, string schema, string source, string aggregateIdPrefix) =>
        [.. (await sql.RowsAsync(
                $"""
                 SELECT id, type, aggregate_id, aggregate_version, occurred_at, payload::text FROM "{schema}".outbox_messages
                 WHERE starts_with(aggregate_id, $1) ORDER BY occurred_at, aggregate_version
                 """,
                aggregateIdPrefix))
            .Select(row => new EventEnvelope((Guid)row[0]!, (string)row[1]!, source, (string)row[2]!, (int)row[3]!,
                new DateTimeOffset((DateTime)row[4]!),
                JsonDocument.Parse((string)row[5]!).RootElement.Clone()))];

    /// <param name="key">The text that identifies the aggregate in its events (a product id, a SKU); each delivery order gets its own replacement.</param>
    /// <param name="readCopy">The subscriber's cached copy of the aggregate named by the given key, in a comparable form without the key.</param>
    /// <returns>The copy in-order delivery left (every permutation was asserted equal to it).</returns>
    public static async Task<object?> AssertEveryOrderConvergesAsync(
        HttpClient subscriber,
        string context,
        IReadOnlyList<EventEnvelope> events,
        string key,
        Func<string> newKey,
        Func<string, Task<object?>> readCopy)
    {
        Assert.InRange(events.Count, 2, 5); // 5! orders x 10 deliveries is the budget of one test

        var inOrderKey = newKey();
        foreach (var envelope in Renamed(events, key, inOrderKey))
        {
            await subscriber.DeliverAsync(context, envelope);
        }

        var expected = await readCopy(inOrderKey);
        Assert.NotNull(expected);

        var failures = new List<string>();
        await Parallel.ForEachAsync(Permutations(events.Count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (order, _) =>
        {
            var copyKey = newKey();
            var renamed = Renamed(events, key, copyKey);
            foreach (var index in order.Concat(Enumerable.Reverse(order)))
            {
                await subscriber.DeliverAsync(context, renamed[index]);
            }

            var actual = await readCopy(copyKey);
            if (!Equivalent(expected, actual))
            {
                lock (failures)
                {
                    failures.Add($"order [{string.Join(", ", order.Select(i => $"{events[i].Type} v{events[i].AggregateVersion}"))}]: " +
                                 $"{Describe(actual)} instead of {Describe(expected)}");
                }
            }
        });

        Assert.True(failures.Count == 0,
            $"{failures.Count} of {Factorial(events.Count)} delivery orders did not converge:\n{string.Join("\n", failures.Take(10))}");
        return expected;
    }

    /// <summary>The events with the aggregate's key replaced and fresh event ids (the same for both deliveries of one event).</summary>
    private static List<EventEnvelope> Renamed(IReadOnlyList<EventEnvelope> events, string key, string newKey) =>
        [.. events.Select(e => JsonSerializer.Deserialize<EventEnvelope>(
                JsonSerializer.Serialize(e with { Id = Guid.NewGuid() }, CommerceJson.Options).Replace(key, newKey, StringComparison.Ordinal),
                CommerceJson.Options)!)];

    private static IEnumerable<int[]> Permutations(int count)
    {
        if (count == 0)
        {
            yield return [];
            yield break;
        }

        foreach (var rest in Permutations(count - 1))
        {
            for (var position = 0; position <= rest.Length; position++)
            {
                yield return [.. rest[..position], count - 1, .. rest[position..]];
            }
        }
    }

    private static int Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);

    private static bool Equivalent(object? expected, object? actual) => Describe(expected) == Describe(actual);

    private static string Describe(object? copy) => JsonSerializer.Serialize(copy, CommerceJson.Options);
}
