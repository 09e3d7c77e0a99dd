using System.Globalization;
using ScottPlot;

namespace Payments.Plots;

/// <summary>
/// The chaos run's chart: each schedule's time to converge by its index (violations in red, a
/// schedule that never converged as a red cross at the top), and a histogram of the times.
/// </summary>
public static class ChaosPlot
{
    public static void Write(string pngPath, IReadOnlyList<ChaosPoint> schedules)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        var converged = schedules.Where(s => double.IsFinite(s.ConvergeSeconds)).ToList();
        var never = schedules.Where(s => !double.IsFinite(s.ConvergeSeconds)).ToList();
        var violations = schedules.Count(s => s.Violation);
        var top = Math.Max(1, converged.Select(s => s.ConvergeSeconds).DefaultIfEmpty(1).Max()) * 1.15;

        var bySchedule = Figure.Row(
            string.Create(CultureInfo.InvariantCulture, $"chaos: time to converge per schedule ({schedules.Count} schedules, {violations} with a violation, {never.Count} never converged)"),
            "schedule index", "seconds to converge");
        var bars = converged.Select(s => new Bar
        {
            Position = s.Index,
            Value = s.ConvergeSeconds,
            FillColor = s.Violation ? Colors.Crimson : Colors.SteelBlue,
            LineWidth = 0,
        }).ToList();
        if (bars.Count > 0)
        {
            bySchedule.Add.Bars(bars);
        }

        if (never.Count > 0)
        {
            bySchedule.Add.Markers(never.Select(s => (double)s.Index).ToArray(), never.Select(_ => top * 0.95).ToArray(), MarkerShape.Cross, 10, Colors.Crimson);
        }

        bySchedule.Legend.ManualItems.Add(new LegendItem { LabelText = "converged", FillColor = Colors.SteelBlue });
        bySchedule.Legend.ManualItems.Add(new LegendItem { LabelText = "invariant violated", FillColor = Colors.Crimson });
        if (never.Count > 0)
        {
            bySchedule.Legend.ManualItems.Add(new LegendItem { LabelText = "never converged", MarkerShape = MarkerShape.Cross, MarkerColor = Colors.Crimson, MarkerSize = 10 });
        }

        var lastIndex = schedules.Select(s => s.Index).DefaultIfEmpty(0).Max();
        bySchedule.Axes.SetLimits(-1, lastIndex + 1, 0, top);

        var histogram = Figure.Row("distribution of the times to converge", "seconds to converge", "schedules");
        var times = converged.Select(s => s.ConvergeSeconds).ToList();
        if (times.Count > 0)
        {
            var (edges, counts) = Bins(times);
            var width = edges[1] - edges[0];
            histogram.Add.Bars(counts.Select((count, i) => new Bar
            {
                Position = edges[i] + (width / 2),
                Value = count,
                Size = width * 0.95,
                FillColor = Colors.SteelBlue,
                LineWidth = 0,
            }).ToList());
            histogram.Axes.SetLimits(edges[0], edges[^1], 0, Math.Max(1, counts.Max()) * 1.15);
        }

        Figure.Save(pngPath, [bySchedule, histogram]);
    }

    /// <summary>Equal-width bins from the smallest to the largest time, about the square root of the count of them (5 to 30).</summary>
    private static (double[] Edges, int[] Counts) Bins(List<double> times)
    {
        var min = times.Min();
        var max = times.Max();
        var count = Math.Clamp((int)Math.Ceiling(Math.Sqrt(times.Count)), 5, 30);
        var width = max > min ? (max - min) / count : 1;
        var edges = Enumerable.Range(0, count + 1).Select(i => min + (i * width)).ToArray();
        var counts = new int[count];
        foreach (var time in times)
        {
            counts[Math.Min(count - 1, (int)((time - min) / width))]++;
        }

        return (edges, counts);
    }
}
