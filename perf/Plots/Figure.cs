using ScottPlot;

namespace Payments.Plots;

/// <summary>
/// The charts' common shape: rows of plots stacked into one PNG, each with the same fixed
/// margins so that rows sharing an x axis line up, a legend on the right, and
/// one colour per series name across rows and runs (the service is always the same blue).
/// </summary>
internal static class Figure
{
    private const int Width = 1000;
    private const int RowHeight = 240;

    // Fixed margins: automatic ones differ with the tick labels' and legends' widths and would shift
    // each row's x axis; the legend sits in the right one, outside the data.
    private static readonly PixelPadding Margins = new(left: 70, right: 170, bottom: 45, top: 40);

    private static readonly Dictionary<string, Color> Known = new(StringComparer.Ordinal)
    {
        ["arrivals"] = Colors.Gray,
        ["accepted"] = Colors.ForestGreen,
        ["refused"] = Colors.DarkOrange,
        ["no answer"] = Colors.Crimson,
        ["in flight"] = Colors.SteelBlue,
        ["max in flight"] = Colors.LightSteelBlue,
        ["p50"] = Colors.ForestGreen,
        ["p90"] = Colors.DarkOrange,
        ["p99"] = Colors.Crimson,
        ["service"] = Colors.RoyalBlue,
        ["postgres"] = Colors.Teal,
        ["simulator"] = Colors.DarkOrchid,
        ["runner"] = Colors.Peru,
        ["others"] = Colors.DimGray,
        ["machine"] = Colors.Black,
    };

    // A sans-serif face where the machine has one (DejaVu on Debian); ScottPlot otherwise picks the first face it finds.
    private static readonly string? SansFamily = new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica" }
        .FirstOrDefault(family => Fonts.GetTypeface(family, bold: false, italic: false)?.FamilyName == family);

    private static readonly Color[] Spare = [Colors.OliveDrab, Colors.HotPink, Colors.GoldenRod, Colors.CadetBlue];

    public static Plot Row(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        if (SansFamily is not null)
        {
            plot.Font.Set(SansFamily);
        }

        plot.Title(title, size: 14);
        plot.XLabel(xLabel, size: 12);
        plot.YLabel(yLabel, size: 12);
        plot.Layout.Fixed(Margins);
        plot.Legend.FontSize = 11;
        return plot;
    }

    public static Color ColorOf(string name, int index) =>
        Known.TryGetValue(name, out var color) ? color : Spare[index % Spare.Length];

    /// <summary>A line through the points whose value is known (a gap in the data is not drawn as zero), with markers where each point is a measurement of its own.</summary>
    public static void Line(Plot plot, IReadOnlyList<double> xs, IReadOnlyList<double?> ys, string name, int index = 0, bool dashed = false, bool markers = false)
    {
        var points = xs.Zip(ys).Where(p => p.Second is { } y && double.IsFinite(y)).ToList();
        if (points.Count == 0)
        {
            return;
        }

        var line = plot.Add.Scatter(points.Select(p => p.First).ToArray(), points.Select(p => p.Second!.Value).ToArray(), ColorOf(name, index));
        line.LegendText = name;
        line.LineWidth = 2;
        line.MarkerSize = markers || points.Count == 1 ? 6 : 0;
        if (dashed)
        {
            line.LinePattern = LinePattern.Dashed;
        }
    }

    public static void Save(string pngPath, IReadOnlyList<Plot> rows)
    {
        ArgumentOutOfRangeException.ThrowIfZero(rows.Count);
        foreach (var row in rows)
        {
            row.ShowLegend(Edge.Right);
        }

        var multiplot = new Multiplot(rows[0]);
        foreach (var row in rows.Skip(1))
        {
            multiplot.AddPlot(row);
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(pngPath));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        multiplot.SavePng(pngPath, Width, RowHeight * rows.Count);
    }
}
