using ScottPlot;

namespace Payments.Plots;

/// <summary>
/// The load run's chart, one PNG beside its JSON: requests per second (arrivals, accepted,
/// refused, no answer), requests in flight, the accept latency percentiles of each second, and
/// the CPU of each watched process; the warm-up is shaded, since the run's figures leave it out.
/// </summary>
public static class LoadPlot
{
    public static void Write(string pngPath, string title, IReadOnlyList<LoadSecond> seconds, int warmupSeconds)
    {
        ArgumentNullException.ThrowIfNull(seconds);
        var xs = seconds.Select(s => (double)s.Second).ToArray();
        var last = xs.Length == 0 ? 1 : xs[^1];

        var rate = Figure.Row(title + ": requests per second", "", "per second");
        Figure.Line(rate, xs, Values(seconds, s => s.Arrivals), "arrivals", dashed: true);
        Figure.Line(rate, xs, Values(seconds, s => s.Accepted), "accepted");
        Figure.Line(rate, xs, Values(seconds, s => s.Refused), "refused");
        Figure.Line(rate, xs, Values(seconds, s => s.Failed), "no answer");

        var inFlight = Figure.Row("requests in flight at the end of each second", "", "requests");
        Figure.Line(inFlight, xs, Values(seconds, s => s.InFlight), "in flight");

        var latency = Figure.Row("accept latency of the answers received in each second", "", "ms");
        Figure.Line(latency, xs, seconds.Select(s => s.AcceptP50Ms).ToList(), "p50");
        Figure.Line(latency, xs, seconds.Select(s => s.AcceptP90Ms).ToList(), "p90");
        Figure.Line(latency, xs, seconds.Select(s => s.AcceptP99Ms).ToList(), "p99");

        var cpu = Figure.Row("CPU per component (100 % = one core)", "seconds since the start", "% of a core");
        var names = seconds.SelectMany(s => s.CpuPercent.Keys).Distinct(StringComparer.Ordinal).ToList();
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            Figure.Line(cpu, xs, seconds.Select(s => s.CpuPercent.TryGetValue(name, out var value) ? value : (double?)null).ToList(), name, i, dashed: name == "machine");
        }

        Plot[] rows = [rate, inFlight, latency, cpu];
        foreach (var row in rows)
        {
            if (warmupSeconds > 0)
            {
                var span = row.Add.HorizontalSpan(0, warmupSeconds);
                span.FillColor = Colors.Gray.WithAlpha(0.15);
                span.LineWidth = 0;
            }

            row.Axes.SetLimitsX(0, last);
            row.Axes.SetLimitsY(0, Math.Max(1, MaxY(row)) * 1.1);
        }

        Figure.Save(pngPath, rows);
    }

    private static List<double?> Values(IReadOnlyList<LoadSecond> seconds, Func<LoadSecond, long> value) =>
        seconds.Select(s => (double?)value(s)).ToList();

    private static double MaxY(Plot plot) =>
        plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Select(s => s.Data.GetLimits().Top).DefaultIfEmpty(1).Max();
}
