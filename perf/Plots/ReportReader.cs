using System.Globalization;
using System.Text.Json;

namespace Payments.Plots;

/// <summary>
/// Reads the load runner's JSON report (snake_case, perf/Load/Reporting/RunReport) by name
/// rather than through its types, so that reports written before a field existed still draw:
/// a missing arrivals count falls back to requests sent, missing refusals to none, missing
/// per-second latency to no line.
/// </summary>
internal static class ReportReader
{
    /// <summary>A capacity step passes as in capacity.sh: at least 98 % of the offered rate accepted and every check passed.</summary>
    private const double PassingShare = 0.98;

    public static (string Title, int WarmupSeconds, List<LoadSecond> Seconds) ReadLoad(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        var settings = root.GetProperty("settings");
        var rate = settings.GetProperty("rate").GetInt32();
        var title = string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path)))} ({rate}/s offered)");
        var seconds = root.GetProperty("load").GetProperty("timeline").EnumerateArray().Select(ReadSecond).ToList();
        return (title, settings.GetProperty("warmup_seconds").GetInt32(), seconds);
    }

    public static CapacityStep ReadStep(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        var load = root.GetProperty("load");
        var offered = root.GetProperty("settings").GetProperty("rate").GetInt32();
        var accepted = load.GetProperty("accepted_per_second").GetDouble();
        var cpu = new Dictionary<string, double>(StringComparer.Ordinal);
        if (accepted > 0)
        {
            foreach (var share in load.GetProperty("cpu_split").EnumerateArray())
            {
                cpu[share.GetProperty("name").GetString()!] = share.GetProperty("cores").GetDouble() * 1000 / accepted;
            }
        }

        var passed = root.GetProperty("passed").GetBoolean() && accepted >= PassingShare * offered;
        return new CapacityStep(offered, accepted, passed, cpu);
    }

    private static LoadSecond ReadSecond(JsonElement sample)
    {
        var errors = sample.GetProperty("errors").GetInt64();
        var refused = Long(sample, "refused") ?? 0;
        var accept = sample.TryGetProperty("accept", out var summary) && summary.ValueKind == JsonValueKind.Object && summary.GetProperty("count").GetInt64() > 0
            ? summary
            : (JsonElement?)null;
        return new LoadSecond(
            sample.GetProperty("second").GetInt32(),
            Long(sample, "arrivals") ?? sample.GetProperty("sent").GetInt64(),
            sample.GetProperty("accepted").GetInt64(),
            refused,
            errors - refused,
            sample.GetProperty("in_flight").GetInt64(),
            accept?.GetProperty("p50").GetDouble(),
            accept?.GetProperty("p90").GetDouble(),
            accept?.GetProperty("p99").GetDouble(),
            sample.GetProperty("cpu_percent").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.Ordinal));
    }

    private static long? Long(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;
}
