using System.Net;
using Commerce.OfflineTemporal.Engine;
using Commerce.OfflineTemporal.Grpc;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Temporalio.Client;

namespace Commerce.OfflineTemporal;

/// <summary>
/// An in-process server speaking Temporal's frontend gRPC API to the unmodified Temporalio SDK.
/// It is a test double and an offline dev server: state lives in memory only and it is not a
/// substitute for a real Temporal in production.
/// </summary>
public sealed class OfflineTemporalServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TemporalEngine _engine;

    private OfflineTemporalServer(WebApplication app, TemporalEngine engine, string address, ITemporalClient client, string ns)
    {
        _app = app;
        _engine = engine;
        Address = address;
        Client = client;
        Namespace = ns;
    }

    /// <summary>"127.0.0.1:port", as <see cref="TemporalClientConnectOptions.TargetHost"/> expects it.</summary>
    public string Address { get; }

    public string Namespace { get; }

    /// <summary>A client connected to <see cref="Address"/> and <see cref="Namespace"/>.</summary>
    public ITemporalClient Client { get; }

    /// <summary>The server's (virtual) current time, which workflow code sees as Workflow.UtcNow.</summary>
    public DateTime UtcNow => _engine.CurrentTime;

    public bool TimeSkipping => _engine.Clock.TimeSkipping;

    public static async Task<OfflineTemporalServer> StartAsync(OfflineTemporalOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new OfflineTemporalOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (options.LoggerFactory is { } factory)
        {
            builder.Services.AddSingleton(factory);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Commerce.OfflineTemporal", options.MinimumLogLevel);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // The SDK's core speaks HTTP/2 with prior knowledge, without TLS: HTTP/2 only is required.
            kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.Protocols = HttpProtocols.Http2);

            // Every long poll (task polls, result waits) holds a stream; the default of 100 per
            // connection would starve workers once a hundred clients wait for results.
            kestrel.Limits.Http2.MaxStreamsPerConnection = 100_000;
            kestrel.Limits.Http2.InitialConnectionWindowSize = 16 * 1024 * 1024;
            kestrel.Limits.Http2.InitialStreamWindowSize = 4 * 1024 * 1024;
            kestrel.Limits.MaxRequestBodySize = null;
        });

        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = 128 * 1024 * 1024;
            o.MaxSendMessageSize = null;
            o.EnableDetailedErrors = true;
        });
        builder.Services.AddSingleton(sp => new TemporalEngine(
            options.TimeSkipping,
            options.LongPollTimeout,
            [options.Namespace],
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Commerce.OfflineTemporal")));
        builder.Services.AddSingleton<WorkflowServiceHandler>();
        builder.Services.AddSingleton<OperatorServiceHandler>();
        builder.Services.AddSingleton<TestServiceHandler>();
        builder.Services.AddSingleton<IServiceMethodProvider<WorkflowServiceHandler>, ReflectedServiceMethodProvider<WorkflowServiceHandler>>();
        builder.Services.AddSingleton<IServiceMethodProvider<OperatorServiceHandler>, ReflectedServiceMethodProvider<OperatorServiceHandler>>();
        builder.Services.AddSingleton<IServiceMethodProvider<TestServiceHandler>, ReflectedServiceMethodProvider<TestServiceHandler>>();

        var app = builder.Build();
        app.MapGrpcService<WorkflowServiceHandler>();
        app.MapGrpcService<OperatorServiceHandler>();
        app.MapGrpcService<TestServiceHandler>();
        await app.StartAsync(cancellationToken);

        var engine = app.Services.GetRequiredService<TemporalEngine>();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var address = $"127.0.0.1:{new Uri(bound).Port}";
        try
        {
            var client = await TemporalClient.ConnectAsync(new TemporalClientConnectOptions(address) { Namespace = options.Namespace });
            return new OfflineTemporalServer(app, engine, address, client, options.Namespace);
        }
        catch
        {
            await app.DisposeAsync();
            await engine.DisposeAsync();
            throw;
        }
    }

    /// <summary>Another client of this server, e.g. to exercise many clients at once.</summary>
    public Task<TemporalClient> ConnectClientAsync() =>
        TemporalClient.ConnectAsync(new TemporalClientConnectOptions(Address) { Namespace = Namespace });

    /// <summary>Stops the clock from jumping until the returned handle is disposed (real time still flows).</summary>
    public IDisposable PauseTimeSkipping()
    {
        _engine.LockTimeSkipping();
        return new Unlocker(_engine);
    }

    /// <summary>Moves the virtual clock forward, firing every timer and timeout that falls due.</summary>
    public void Skip(TimeSpan duration) => _engine.Skip(duration);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _engine.DisposeAsync();
    }

    private sealed class Unlocker(TemporalEngine engine) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                engine.UnlockTimeSkipping();
            }
        }
    }
}
