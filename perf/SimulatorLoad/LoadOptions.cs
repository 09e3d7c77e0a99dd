using System.Globalization;

namespace SimulatorLoad;

/// <summary>Command-line settings of a load run.</summary>
internal sealed record LoadOptions(Uri Url, string ApiKey, int Rate, int DurationSeconds, int LatencyMinMs, int LatencyMaxMs, int DrainSeconds, int MaxConnections)
{
    public static LoadOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        int Int(string name, int fallback) =>
            values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

        var options = new LoadOptions(
            new Uri(values.GetValueOrDefault("url", "http://127.0.0.1:5099")),
            values.GetValueOrDefault("api-key", "sk_test_sim"),
            Int("rate", 5_000),
            Int("duration", 30),
            Int("latency-min", 1_000),
            Int("latency-max", 3_000),
            Int("drain", 10),
            Int("max-connections", 12_500));

        // Bounded by design: a load run never goes past a minute of sending.
        if (options.DurationSeconds is < 1 or > 60 || options.Rate is < 1 or > 50_000 || options.Url.Host is not ("127.0.0.1" or "localhost"))
        {
            throw new ArgumentException("duration 1..60 s, rate 1..50000/s, loopback URL only.");
        }

        return options;
    }
}
