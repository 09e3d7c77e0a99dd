using System.Globalization;
using Payments.Plots;

// Draws the perf runs' charts from their JSON reports (the load runner draws its own as it
// writes its report; the chaos runner calls ChaosPlot):
//   capacity <results folder>        <folder>/capacity.png from the capacity profile's step-<rate>.json
//   load <report.json> [<png>]       a load run's chart (default: beside the report), e.g. for an older report
//   chaos <run.log> <png>            the chaos chart from a chaos run's lines (e.g. a run stopped before its end)
//   chaos-sample <png>               the chaos chart from made-up schedules, to see it render
switch (args)
{
    case ["capacity", var folder]:
        var steps = Directory.GetFiles(folder, "step-*.json").Select(ReportReader.ReadStep).ToList();
        if (steps.Count == 0)
        {
            await Console.Error.WriteLineAsync($"no step-*.json in {folder}");
            return 1;
        }

        var capacityPng = Path.Combine(folder, "capacity.png");
        CapacityPlot.Write(capacityPng, Path.GetFileName(Path.GetFullPath(folder)), steps);
        Console.WriteLine("chart: " + Path.GetFullPath(capacityPng));
        return 0;

    case ["load", var report, .. var rest] when rest.Length <= 1:
        var (title, warmup, seconds) = ReportReader.ReadLoad(report);
        var loadPng = rest.Length == 1 ? rest[0] : Path.ChangeExtension(report, ".png");
        LoadPlot.Write(loadPng, title, seconds, warmup);
        Console.WriteLine("chart: " + Path.GetFullPath(loadPng));
        return 0;

    case ["chaos", var log, var chaosPng]:
        var lines = File.ReadLines(log).Where(l => l.StartsWith('#')).Select((line, index) => new ChaosPoint(
            long.Parse(Field(line, "seed="), CultureInfo.InvariantCulture),
            index + 1,
            double.Parse(Field(line, "converge=").TrimEnd('s'), CultureInfo.InvariantCulture),
            line.Contains("VIOLATION", StringComparison.Ordinal),
            Field(line, "faults="))).ToList();
        ChaosPlot.Write(chaosPng, lines);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chart: {Path.GetFullPath(chaosPng)} ({lines.Count} schedules)"));
        return 0;

    case ["chaos-sample", var png]:
        var random = new Random(7);
        var schedules = Enumerable.Range(0, 60).Select(i => new ChaosPoint(
            1000 + i,
            i,
            i == 41 ? double.PositiveInfinity : Math.Round(2 + (random.NextDouble() * random.NextDouble() * 20), 1),
            i % 17 == 5,
            "psp_latency,kill_service")).ToList();
        ChaosPlot.Write(png, schedules);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chart: {Path.GetFullPath(png)} ({schedules.Count} made-up schedules)"));
        return 0;

    default:
        await Console.Error.WriteLineAsync("usage: Payments.Plots capacity <results folder> | load <report.json> [<png>] | chaos <run.log> <png> | chaos-sample <png>");
        return 2;
}

// One "name=value" field of a chaos run's line (values may be padded after the '=').
static string Field(string line, string name)
{
    var start = line.IndexOf(name, StringComparison.Ordinal) + name.Length;
    var rest = line[start..].TrimStart();
    var end = rest.IndexOf(' ', StringComparison.Ordinal);
    return end < 0 ? rest : rest[..end];
}
