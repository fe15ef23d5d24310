namespace Commerce.Testing.Tests;

// Two classes write to the same table name at the same time; each must see only its own rows, which holds
// only if every class really gets a database of its own, copied from the template.
public sealed class FirstIsolatedClassTests(PostgresDatabase<NotesTemplate> database)
    : IClassFixture<PostgresDatabase<NotesTemplate>>
{
    [Fact]
    public async Task Notes_WrittenByThisClass_AreTheOnlyOnesVisible()
    {
        await Notes.AddAsync(database.ConnectionString, nameof(FirstIsolatedClassTests), "one");
        await IsolationProbe.WaitForBothClassesToHaveWrittenAsync();

        Assert.Equal([nameof(FirstIsolatedClassTests)], await Notes.OwnersAsync(database.ConnectionString));
    }
}

public sealed class SecondIsolatedClassTests(PostgresDatabase<NotesTemplate> database)
    : IClassFixture<PostgresDatabase<NotesTemplate>>
{
    [Fact]
    public async Task Notes_WrittenByThisClass_AreTheOnlyOnesVisible()
    {
        await Notes.AddAsync(database.ConnectionString, nameof(SecondIsolatedClassTests), "two");
        await IsolationProbe.WaitForBothClassesToHaveWrittenAsync();

        Assert.Equal([nameof(SecondIsolatedClassTests)], await Notes.OwnersAsync(database.ConnectionString));
    }
}

internal static class IsolationProbe
{
    private static int written;
    private static readonly TaskCompletionSource BothWritten = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Holds each class until the other has written, so a shared database would show both rows. If xunit ever
    /// runs the classes one after the other, the wait gives up and the test still checks what it can.
    /// </summary>
    public static async Task WaitForBothClassesToHaveWrittenAsync()
    {
        if (Interlocked.Increment(ref written) == 2)
        {
            BothWritten.TrySetResult();
        }

        await Task.WhenAny(BothWritten.Task, Task.Delay(TimeSpan.FromSeconds(10)));
    }
}
