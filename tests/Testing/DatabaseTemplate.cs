namespace Commerce.Testing;

/// <summary>
/// What every database of a kind starts with (schemas, roles' grants, migrations). Built once per test
/// process under <see cref="Name"/>, then copied for each test class.
/// </summary>
public abstract class DatabaseTemplate
{
    public abstract string Name { get; }

    public abstract Task InitializeAsync(string connectionString);
}
