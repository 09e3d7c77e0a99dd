using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Payments.Ingress.Health;

/// <summary>
/// Exposes <see cref="System.Diagnostics.Metrics"/> instruments in the Prometheus text
/// format (0.0.4): a <see cref="MeterListener"/> aggregates measurements in memory and
/// <see cref="Write"/> renders them on scrape. prometheus-net is served now, but its meter
/// adapter names a series after its meter as well as its instrument and exports counters as
/// gauges, so it would rename every series the dashboard and alerts use; moving to it means
/// creating its collectors directly, which is still to do.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] DefaultBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentSeries> _instruments = new();
    private readonly Lock _collectLock = new();

    /// <param name="meterFactory">Only this host's meters are exported: a second host in the same process (the
    /// embedded simulator) publishes instruments of the same names.</param>
    /// <param name="meterPrefixes">Names of the meters to export, by prefix.</param>
    public PrometheusExporter(IMeterFactory meterFactory, IEnumerable<string> meterPrefixes)
    {
        var prefixes = meterPrefixes.ToArray();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if ((instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, meterFactory))
                && prefixes.Any(p => instrument.Meter.Name.StartsWith(p, StringComparison.Ordinal)))
            {
                _instruments.TryAdd(instrument, new InstrumentSeries(instrument, BucketsFor(instrument)));
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentSeries? _);
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public void Write(StringBuilder output)
    {
        // Observable instruments report through the same callbacks, synchronously, here.
        lock (_collectLock)
        {
            _listener.RecordObservableInstruments();
        }

        foreach (var series in _instruments.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            series.Write(output);
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_instruments.TryGetValue(instrument, out var series))
        {
            series.Record(value, tags);
        }
    }

    private static double[]? BucketsFor(Instrument instrument) => instrument switch
    {
        Histogram<double> { Advice.HistogramBucketBoundaries: { } advised } => [.. advised],
        Histogram<long> { Advice.HistogramBucketBoundaries: { } advised } => [.. advised.Select(b => (double)b)],
        Histogram<double> or Histogram<long> or Histogram<int> => DefaultBuckets,
        _ => null,
    };

    private sealed class InstrumentSeries(Instrument instrument, double[]? buckets)
    {
        private readonly ConcurrentDictionary<string, Sample> _samples = new(StringComparer.Ordinal);

        private readonly bool _isCumulative = instrument is Counter<long> or Counter<int> or Counter<double>
            or UpDownCounter<long> or UpDownCounter<int> or UpDownCounter<double>;

        private readonly bool _isCounter = instrument is Counter<long> or Counter<int> or Counter<double>
            or ObservableCounter<long> or ObservableCounter<int> or ObservableCounter<double>;

        public string Name { get; } = MetricName(instrument);

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var sample = _samples.GetOrAdd(Labels(tags), _ => new Sample(buckets));
            if (buckets is not null)
            {
                sample.Observe(value);
            }
            else if (_isCumulative)
            {
                sample.Add(value);
            }
            else
            {
                sample.Set(value);
            }
        }

        public void Write(StringBuilder output)
        {
            var type = buckets is not null ? "histogram" : _isCounter ? "counter" : "gauge";
            var name = _isCounter ? Name + "_total" : Name;
            output.Append("# HELP ").Append(name).Append(' ').Append(Escape(instrument.Description ?? instrument.Name, help: true)).Append('\n');
            output.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (var (labels, sample) in _samples.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (buckets is null)
                {
                    output.Append(name).Append(Braced(labels)).Append(' ').Append(Format(sample.Value)).Append('\n');
                    continue;
                }

                var (counts, sum, count) = sample.Snapshot();
                long cumulative = 0;
                for (var i = 0; i < buckets.Length; i++)
                {
                    cumulative += counts[i];
                    output.Append(name).Append("_bucket").Append(Braced(Join(labels, $"le=\"{Format(buckets[i])}\""))).Append(' ').Append(cumulative).Append('\n');
                }

                output.Append(name).Append("_bucket").Append(Braced(Join(labels, "le=\"+Inf\""))).Append(' ').Append(count).Append('\n');
                output.Append(name).Append("_sum").Append(Braced(labels)).Append(' ').Append(Format(sum)).Append('\n');
                output.Append(name).Append("_count").Append(Braced(labels)).Append(' ').Append(count).Append('\n');
            }
        }

        private static string MetricName(Instrument instrument)
        {
            var builder = new StringBuilder();
            foreach (var c in instrument.Name)
            {
                builder.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_');
            }

            var suffix = instrument.Unit switch
            {
                "s" => "_seconds",
                "By" => "_bytes",
                _ => "",
            };
            var name = builder.ToString();
            return name.EndsWith(suffix, StringComparison.Ordinal) ? name : name + suffix;
        }

        private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.IsEmpty)
            {
                return "";
            }

            var pairs = new List<string>(tags.Length);
            foreach (var tag in tags)
            {
                var key = new string([.. tag.Key.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);
                pairs.Add($"{key}=\"{Escape(Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "", help: false)}\"");
            }

            pairs.Sort(StringComparer.Ordinal);
            return string.Join(',', pairs);
        }

        private static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;

        private static string Braced(string labels) => labels.Length == 0 ? "" : "{" + labels + "}";

        private static string Escape(string value, bool help) =>
            help
                ? value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)
                : value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

        private static string Format(double value) =>
            double.IsPositiveInfinity(value) ? "+Inf" : value.ToString("G17", CultureInfo.InvariantCulture);
    }

    private sealed class Sample(double[]? buckets)
    {
        private readonly Lock _lock = new();
        private readonly long[] _counts = new long[buckets?.Length ?? 0];
        private double _value;
        private double _sum;
        private long _count;

        public double Value
        {
            get
            {
                lock (_lock)
                {
                    return _value;
                }
            }
        }

        public void Add(double value)
        {
            lock (_lock)
            {
                _value += value;
            }
        }

        public void Set(double value)
        {
            lock (_lock)
            {
                _value = value;
            }
        }

        public void Observe(double value)
        {
            lock (_lock)
            {
                var index = Array.FindIndex(buckets!, b => value <= b);
                if (index >= 0)
                {
                    _counts[index]++;
                }

                _sum += value;
                _count++;
            }
        }

        public (long[] Counts, double Sum, long Count) Snapshot()
        {
            lock (_lock)
            {
                return ((long[])_counts.Clone(), _sum, _count);
            }
        }
    }
}
