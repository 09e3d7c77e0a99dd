using System.Globalization;
using Prometheus;

namespace Payments.Pipeline.Observability;

/// <summary>
/// One host's Prometheus metrics (prometheus-net), served at <c>/metrics</c>. The registry is
/// this host's own, not the library's static default: tests run several hosts in one process
/// and the embedded run hosts the simulator beside the service, and none may see another's
/// series. Components create their collectors here; names follow Prometheus conventions
/// (base units in the name, <c>_total</c> on counters) because the dashboard and alerts use them.
/// </summary>
public sealed class PaymentsMetrics
{
    public PaymentsMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        Factory = Metrics.WithCustomRegistry(Registry);
    }

    public CollectorRegistry Registry { get; }

    public IMetricFactory Factory { get; }

    public Counter Counter(string name, string help, params string[] labelNames) => Factory.CreateCounter(name, help, labelNames);

    public Histogram Histogram(string name, string help, double[] buckets, params string[] labelNames) =>
        Factory.CreateHistogram(name, help, new HistogramConfiguration { Buckets = buckets, LabelNames = labelNames });

    /// <summary>A gauge read from the component's state at each scrape, so measuring costs nothing between scrapes.</summary>
    public void Gauge(string name, string help, Func<double> read)
    {
        var gauge = Factory.CreateGauge(name, help);
        Registry.AddBeforeCollectCallback(() => gauge.Set(read()));
    }

    /// <summary>A gauge with one label, read at each scrape as (label value, value) pairs.</summary>
    public void Gauge(string name, string help, string labelName, Func<IEnumerable<(int Label, double Value)>> read)
    {
        var gauge = Factory.CreateGauge(name, help, [labelName]);
        Registry.AddBeforeCollectCallback(() =>
        {
            foreach (var (label, value) in read())
            {
                gauge.WithLabels(label.ToString(CultureInfo.InvariantCulture)).Set(value);
            }
        });
    }

    /// <summary>Buckets for durations in seconds, from a millisecond to half a minute.</summary>
    public static double[] SecondsBuckets { get; } = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30];

    /// <summary>Writes every series in the Prometheus text format (0.0.4).</summary>
    public Task ExportAsync(Stream output, CancellationToken cancellationToken = default) =>
        Registry.CollectAndExportAsTextAsync(output, cancellationToken);
}
