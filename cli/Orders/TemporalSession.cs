using System.CommandLine;
using Commerce.Workflows.Temporal;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Commerce.Cli.Orders;

/// <summary>
/// Connects to Temporal for one command and turns the failures an operator can meet into one-line messages and exit
/// codes instead of stack traces.
/// </summary>
internal static class TemporalSession
{
    public static async Task<int> RunAsync(ParseResult parseResult, Func<ITemporalClient, CommandOutput, Task<int>> command)
    {
        var output = new CommandOutput(parseResult);
        TemporalClientConnectOptions options;
        try
        {
            options = CommerceCommand.TemporalSettings(parseResult).ToConnectOptions();
        }
#pragma warning disable CA1031 // A profile file that cannot be read or parsed, a certificate path that does not exist...
        catch (Exception e)
#pragma warning restore CA1031
        {
            output.Error($"Temporal connection settings are unusable: {e.Message}");
            return ExitCodes.Usage;
        }

        var address = options.TargetHost;
        var @namespace = options.Namespace;
        ITemporalClient client;
        try
        {
            client = await TemporalClient.ConnectAsync(options);
        }
#pragma warning disable CA1031 // The SDK reports a failed connection through several exception types; all mean the same here.
        catch (Exception e)
#pragma warning restore CA1031
        {
            output.Error($"Cannot reach Temporal at {address} (namespace '{@namespace}'): {e.Message}");
            return ExitCodes.Unreachable;
        }

        try
        {
            return await command(client, output);
        }
        catch (RpcException e) when (e.Code is RpcException.StatusCode.Unavailable or RpcException.StatusCode.DeadlineExceeded)
        {
            output.Error($"Temporal at {address} stopped answering: {e.Message}");
            return ExitCodes.Unreachable;
        }
    }
}
