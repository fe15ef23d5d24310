using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Design.Internal;
using Microsoft.EntityFrameworkCore.Migrations.Design;
using Microsoft.Extensions.DependencyInjection;

// Generates an EF Core migration for one context (dotnet-ef is not available here):
//   dotnet run --project tests/MigrationScaffolder -- <Context> <MigrationName>
// e.g. `-- Product AddStockLevels`. Writes services/<Context>/Migrations/ (migration + model snapshot).
// A context is added by referencing its project and adding it to the table below.
Dictionary<string, Type> contexts = new(StringComparer.OrdinalIgnoreCase)
{
    ["Customer"] = typeof(Commerce.Customer.CustomerDbContext),
    ["Notification"] = typeof(Commerce.Notification.NotificationDbContext),
    ["Inventory"] = typeof(Commerce.Inventory.InventoryDbContext),
    ["Order"] = typeof(Commerce.Order.OrderDbContext),
    ["Payment"] = typeof(Commerce.Payment.PaymentDbContext),
    ["Product"] = typeof(Commerce.Product.ProductDbContext),
    ["Shipping"] = typeof(Commerce.Shipping.ShippingDbContext),
};

if (args.Length != 2 || !contexts.TryGetValue(args[0], out var contextType))
{
    Console.Error.WriteLine($"usage: <{string.Join('|', contexts.Keys)}> <MigrationName>");
    return 1;
}

var name = contexts.Keys.First(k => k.Equals(args[0], StringComparison.OrdinalIgnoreCase));
var schema = name.ToLowerInvariant();
var projectDirectory = Path.GetFullPath(Path.Combine(RepositoryRoot(), "services", name));

// Same provider options as ServiceDefaults' AddCommerceContext; no connection is ever opened.
var optionsBuilder = (DbContextOptionsBuilder)Activator.CreateInstance(typeof(DbContextOptionsBuilder<>).MakeGenericType(contextType))!;
optionsBuilder.UseNpgsql("Host=localhost", npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history", schema));
using var db = (DbContext)Activator.CreateInstance(contextType, optionsBuilder.Options)!;

var assembly = contextType.Assembly;
#pragma warning disable EF1001 // DesignTimeServicesBuilder and OperationReporter are what dotnet-ef itself uses; there is no public equivalent.
var reporter = new OperationReporter(new OperationReportHandler(
    error => Console.Error.WriteLine(error), warning => Console.WriteLine(warning), Console.WriteLine, _ => { }));
var services = new DesignTimeServicesBuilder(assembly, Assembly.GetExecutingAssembly(), reporter, []).Build(db);
#pragma warning restore EF1001
var scaffolder = services.GetRequiredService<IMigrationsScaffolder>();
var migration = scaffolder.ScaffoldMigration(args[1], assembly.GetName().Name!, "Migrations", "C#");
var files = scaffolder.Save(projectDirectory, migration, Path.Combine(projectDirectory, "Migrations"));
Console.WriteLine($"Wrote {files.MigrationFile}, {files.MetadataFile} and {files.SnapshotFile}");
return 0;

static string RepositoryRoot()
{
    var directory = new DirectoryInfo(AppContext.BaseDirectory);
    while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Commerce.sln")))
    {
        directory = directory.Parent;
    }

    return directory?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
}
