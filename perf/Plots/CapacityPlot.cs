using ScottPlot;

namespace Payments.Plots;

/// <summary>
/// The capacity profile's chart: accepted against offered charges per second for each step
/// (on the dashed diagonal when everything offered was accepted; a failed step, under 98 % accepted or with a check failing, is marked), and
/// each component's CPU milliseconds per accepted charge, the figure the capacity depends on.
/// </summary>
public static class CapacityPlot
{
    public static void Write(string pngPath, string title, IReadOnlyList<CapacityStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var ordered = steps.OrderBy(s => s.Offered).ToList();
        var xs = ordered.Select(s => (double)s.Offered).ToArray();

        var rate = Figure.Row(title + ": accepted vs offered", "", "charges per second");
        if (xs.Length > 0)
        {
            var diagonal = rate.Add.Line(xs[0], xs[0], xs[^1], xs[^1]);
            diagonal.LineColor = Colors.Gray;
            diagonal.LinePattern = LinePattern.Dashed;
            diagonal.LegendText = "offered";
        }

        Figure.Line(rate, xs, ordered.Select(s => (double?)s.Accepted).ToList(), "accepted", markers: true);
        var failed = ordered.Where(s => !s.Passed).ToList();
        if (failed.Count > 0)
        {
            var marks = rate.Add.Markers(failed.Select(s => (double)s.Offered).ToArray(), failed.Select(s => s.Accepted).ToArray(), MarkerShape.FilledCircle, 10, Colors.Crimson);
            marks.LegendText = "failed step";
        }

        var cpu = Figure.Row("CPU per accepted charge", "offered charges per second", "CPU ms per charge");
        var names = ordered.SelectMany(s => s.CpuMsPerCharge.Keys).Distinct(StringComparer.Ordinal).ToList();
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            Figure.Line(cpu, xs, ordered.Select(s => s.CpuMsPerCharge.TryGetValue(name, out var ms) ? ms : (double?)null).ToList(), name, i, dashed: name == "machine", markers: true);
        }

        // Half a step beyond the first and the last step, and from zero up: a flat line is not mistaken for a steep one.
        var half = xs.Length > 1 ? (xs[1] - xs[0]) / 2 : 50;
        foreach (var row in new[] { rate, cpu })
        {
            row.Axes.AutoScale();
            row.Axes.SetLimits(xs.DefaultIfEmpty(0).First() - half, xs.DefaultIfEmpty(0).Last() + half, 0, row.Axes.GetLimits().Top * 1.15);
        }

        Figure.Save(pngPath, [rate, cpu]);
    }
}
