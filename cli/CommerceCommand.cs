using System.CommandLine;
using Commerce.Cli.Orders;

namespace Commerce.Cli;

/// <summary>The root command: global options shared by every subcommand, and usage errors as exit code 2.</summary>
public static class CommerceCommand
{
    public static readonly Option<string> Address = new("--address")
    {
        Description = "Temporal frontend address as host:port [env: COMMERCE_TEMPORAL_ADDRESS]",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("COMMERCE_TEMPORAL_ADDRESS") ?? "127.0.0.1:7233",
        Recursive = true,
    };

    public static readonly Option<string> Namespace = new("--namespace")
    {
        Description = "Temporal namespace [env: COMMERCE_TEMPORAL_NAMESPACE]",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("COMMERCE_TEMPORAL_NAMESPACE") ?? "default",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print JSON instead of a table",
        Recursive = true,
    };

    public static RootCommand Create()
    {
        var root = new RootCommand("Commerce operator CLI: find orders whose saga is stuck, inspect, retry or cancel them.");
        root.Options.Add(Address);
        root.Options.Add(Namespace);
        root.Options.Add(Json);
        root.Subcommands.Add(OrdersCommand.Create());
        return root;
    }

    /// <summary>Parses and runs; a malformed command line prints why and exits with <see cref="ExitCodes.Usage"/>.</summary>
    public static async Task<int> RunAsync(string[] args, InvocationConfiguration? configuration = null)
    {
        configuration ??= new InvocationConfiguration();
        var parseResult = Create().Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await configuration.Error.WriteLineAsync(error.Message);
            }

            await configuration.Error.WriteLineAsync("Run 'commerce --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parseResult.InvokeAsync(configuration);
    }
}
