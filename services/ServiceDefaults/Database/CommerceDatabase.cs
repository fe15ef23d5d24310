using Npgsql;

namespace Commerce.ServiceDefaults.Database;

/// <summary>
/// The explicit migration step: per context, a login role, a schema owned by that role (PUBLIC gets nothing),
/// then the context's EF Core migrations applied AS that role. Idempotent and safe to run concurrently.
/// </summary>
public static class CommerceDatabase
{
    /// <summary>Provisions and migrates every registered context. <paramref name="adminConnectionString"/> must be able to create roles.</summary>
    public static async Task MigrateAsync(IServiceProvider services, string adminConnectionString, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Commerce.Migrate");

        // Two migrators on one database (two hosts starting, a retried deploy) take turns: GRANT/ALTER on the same
        // catalog rows at once fail with "tuple concurrently updated".
        await using var admin = new NpgsqlConnection(adminConnectionString);
        await admin.OpenAsync(cancellationToken);
        await ExecuteAsync(admin, $"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
        try
        {
            foreach (var context in services.GetServices<CommerceContextRegistration>())
            {
                await ProvisionAsync(context, admin, cancellationToken);
                await using var scope = services.CreateAsyncScope();
                var db = context.ResolveDbContext(scope.ServiceProvider);
                await db.Database.MigrateAsync(cancellationToken);
                var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
                logger.LogInformation("{Context}: role {Role}, schema {Schema}, migrations {Migrations}",
                    context.Name, context.Role, context.Schema, applied);
            }
        }
        finally
        {
            // Explicitly: a pooled connection keeps its session (and so the lock) when returned to the pool.
            await ExecuteAsync(admin, $"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
        }
    }

    /// <summary>An arbitrary constant naming the migration lock among this database's advisory locks.</summary>
    private const long MigrationLockKey = 0x436F6D6D65726365;

    /// <summary>Runs every context's demo-data seeders (each idempotent).</summary>
    public static async Task SeedDemoAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Commerce.Seed");
        foreach (var context in services.GetServices<CommerceContextRegistration>())
        {
            foreach (var seed in context.Seeders)
            {
                await seed(services, cancellationToken);
            }

            logger.LogInformation("{Context}: demo data in place", context.Name);
        }
    }

    /// <summary>Role (password from the context's connection string), schema owned by it, PUBLIC locked out.</summary>
    public static async Task ProvisionAsync(CommerceContextRegistration context, string adminConnectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await ProvisionAsync(context, connection, cancellationToken);
    }

    private static async Task ProvisionAsync(CommerceContextRegistration context, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var password = new NpgsqlConnectionStringBuilder(context.ConnectionString).Password;
        var database = new NpgsqlConnectionStringBuilder(context.ConnectionString).Database;
        var role = Identifier(context.Role);
        var schema = Identifier(context.Schema);

        // Roles are cluster-wide: a migrator of another database on the same server (or another test process)
        // may be creating or altering the same role right now, which the advisory lock does not cover.
        await ExecuteToleratingAsync(connection,
            $"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT", cancellationToken);
        if (!string.IsNullOrEmpty(password))
        {
            await ExecuteToleratingAsync(connection, $"ALTER ROLE {role} WITH LOGIN PASSWORD {Literal(password)}", cancellationToken);
        }

        await ExecuteToleratingAsync(connection, $"CREATE SCHEMA IF NOT EXISTS {schema} AUTHORIZATION {role}", cancellationToken);
        await ExecuteToleratingAsync(connection, $"""
            ALTER SCHEMA {schema} OWNER TO {role};
            REVOKE ALL ON SCHEMA {schema} FROM PUBLIC;
            REVOKE CREATE ON SCHEMA public FROM PUBLIC;
            GRANT CONNECT ON DATABASE {Identifier(database ?? connection.Database)} TO {role};
            """, cancellationToken);
    }

    private static async Task ExecuteToleratingAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteAsync(connection, sql, cancellationToken);
                return;
            }
            catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.DuplicateObject
                                                          or PostgresErrorCodes.UniqueViolation
                                                          or PostgresErrorCodes.DuplicateSchema)
            {
                // Already there (possibly created concurrently): the statements after this one converge it.
                return;
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InternalError
                                                          && exception.MessageText.Contains("concurrently", StringComparison.Ordinal)
                                                          && attempt < 10)
            {
                // "tuple concurrently updated": a concurrent migrator touched the same catalog row; do it again.
                await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), cancellationToken);
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
