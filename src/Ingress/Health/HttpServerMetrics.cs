using System.Diagnostics.Metrics;
using Payments.Pipeline.Observability;
using Prometheus;

namespace Payments.Ingress.Health;

/// <summary>
/// ASP.NET Core's own request metrics (the <c>Microsoft.AspNetCore.Hosting</c> meter), served
/// beside the pipeline's through prometheus-net's meter adapter. Only this host's meter: another
/// host in the process (the embedded simulator, a test's second service) has its own.
/// The adapter names a series after its meter and instrument, e.g.
/// <c>microsoft_aspnetcore_hosting_http_server_request_duration</c>.
/// </summary>
internal static class HttpServerMetrics
{
    private const string HostingMeter = "Microsoft.AspNetCore.Hosting";

    public static void Export(WebApplication app)
    {
        var meterFactory = app.Services.GetRequiredService<IMeterFactory>();
        var metrics = app.Services.GetRequiredService<PaymentsMetrics>();
        var adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = metrics.Registry,
            MetricFactory = metrics.Factory,
            InstrumentFilterPredicate = instrument =>
                instrument.Meter.Name == HostingMeter && ReferenceEquals(instrument.Meter.Scope, meterFactory),
        });
        app.Lifetime.ApplicationStopped.Register(adapter.Dispose);
    }
}
