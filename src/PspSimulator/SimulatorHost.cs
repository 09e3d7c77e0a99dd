using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration.Memory;
using PspSimulator.Clock;
using PspSimulator.Disputes;
using PspSimulator.Events;
using PspSimulator.Faults;
using PspSimulator.Maintenance;
using PspSimulator.PaymentIntents;
using PspSimulator.Payouts;
using PspSimulator.Protocol;
using PspSimulator.Refunds;
using PspSimulator.Settlement;
using PspSimulator.Truth;
using PspSimulator.Webhooks;

namespace PspSimulator;

/// <summary>
/// Builds the simulator's web application, standalone (<c>dotnet run</c>) or in-process
/// for tests and the service's embedded development run.
/// </summary>
public static class SimulatorHost
{
    // Lowest-priority defaults. Per-request framework logs cost more than a simulated request at
    // 5,000 requests a second, so they are off unless configuration turns them back on.
    private static readonly Dictionary<string, string?> Defaults = new(StringComparer.Ordinal)
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
    };

    /// <param name="args">Command-line arguments, as for <c>WebApplication.CreateBuilder</c>.</param>
    /// <param name="settings">Configuration that wins over every other source (e.g. <c>Urls</c>, <c>Simulator:Seed</c>).</param>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        // Ten thousand requests held for seconds each means ten thousand open connections.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.MaxConcurrentUpgradedConnections = null;
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 10_000;
        });
        builder.Services.Configure<SocketTransportOptions>(sockets => sockets.Backlog = 8192);
        builder.Services.AddSimulator();

        var app = builder.Build();

        var v1 = app.MapGroup("/v1")
            .AddEndpointFilter<OutageFilter>()
            .AddEndpointFilter<ApiKeyFilter>();
        v1.MapPaymentIntents();
        v1.MapRefunds();
        v1.MapDisputes();
        v1.MapPayouts();
        v1.MapEvents();
        v1.MapSettlementReports();
        v1.Map("/{**path}", (string? path) => StripeErrors.ResourceMissing("Unrecognized request URL: /v1/" + path, "path")).WithName("UnknownApiRoute");

        // The control surface has no authentication: it exists only where a test or chaos run put the simulator.
        var sim = app.MapGroup("/_sim");
        sim.MapMaintenance();
        sim.MapFaults();
        sim.MapTruth();
        sim.MapClock();
        sim.MapSettlementControl();
        sim.MapWebhookControl();
        sim.MapDisputeControl();
        sim.MapPayoutControl();
        return app;
    }
}
