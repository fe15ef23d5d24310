namespace Commerce.Testing.Tests;

public sealed class PostgresBinariesTests
{
    [Fact]
    public void Find_NoServerBinariesAnywhere_SaysWhatToInstall()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-postgres-{Guid.NewGuid():N}");

        var error = Assert.Throws<InvalidOperationException>(() => PostgresBinaries.Find(missing, missing));

        Assert.Contains("apt-get install -y postgresql", error.Message, StringComparison.Ordinal);
        Assert.Contains(PostgresServer.ConnectionStringVariable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_DebianLayoutOutsidePath_FindsTheServer()
    {
        var binaries = PostgresBinaries.Find(searchPath: "");

        Assert.True(File.Exists(binaries.InitDb));
        Assert.EndsWith("/postgres", binaries.Postgres, StringComparison.Ordinal);
    }
}
