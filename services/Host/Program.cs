using Commerce.Host;
using Commerce.ServiceDefaults.Telemetry;

// `Commerce.Host migrate` and `Commerce.Host seed-demo` are the explicit steps run before the host serves
// (run.sh does both); with no command the host serves the contexts selected by Commerce:Contexts.
// `Commerce.Host contexts` prints the data-owning contexts, one per line, for scripts (run.sh makes a role for each).
if (args is ["contexts"])
{
    foreach (var known in HostedContexts.All)
    {
        Console.WriteLine(known.Name);
    }

    return;
}

var command = args.FirstOrDefault() is "migrate" or "seed-demo" ? args[0] : null;
var builder = WebApplication.CreateBuilder(command is null ? args : args[1..]);

if (command == "migrate")
{
    // EF Core logs its probe of a not-yet-created history table as a failed command; it is expected there.
    builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None);
}

// `dotnet ef` (migrations) builds this host only to find the DbContexts and never connects: any address will do.
if (EF.IsDesignTime)
{
    builder.Configuration["ConnectionStrings:Admin"] ??= "Host=localhost;Username=postgres";
}

builder.AddServiceDefaults();
var contexts = HostedContexts.Selected(builder.Configuration);
// One service name per kind of host process: "commerce" when it runs everything, else e.g. "commerce-sagaworker".
builder.AddCommerceTelemetry(contexts.Count == HostedContexts.All.Count + HostedContexts.Processes.Count
    ? "commerce"
    : $"commerce-{string.Join('-', contexts.Select(c => c.Name.ToLowerInvariant()))}");
foreach (var context in contexts)
{
    context.Add(builder);
}

var app = builder.Build();

switch (command)
{
    case "migrate":
        var admin = app.Configuration.GetConnectionString("Admin")
                    ?? throw new InvalidOperationException("migrate needs ConnectionStrings:Admin (a role that may create roles).");
        await CommerceDatabase.MigrateAsync(app.Services, admin);
        return;
    case "seed-demo":
        await CommerceDatabase.SeedDemoAsync(app.Services);
        return;
}

app.MapServiceDefaults();
foreach (var context in contexts)
{
    context.Map(app);
}

app.Logger.LogInformation("Hosting contexts: {Contexts}", contexts.Select(c => c.Name));
await app.RunAsync();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
