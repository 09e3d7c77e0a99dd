using System.Diagnostics;
using Payments.Chaos.Reporting;
using Payments.Chaos.Running;
using Payments.Chaos.Schedules;
using Payments.Chaos.Stack;
using Payments.Chaos.Verdict;

namespace Payments.Chaos;

/// <summary>Starts the stack, runs every schedule in turn on it, prints a line per schedule and the summary.</summary>
internal static class ChaosRun
{
    public static async Task<IReadOnlyList<ScheduleResult>> RunAsync(ChaosSettings settings, TextWriter output)
    {
        var total = Stopwatch.StartNew();
        await using var stack = await ChaosStack.StartAsync(settings, output).ConfigureAwait(false);
        using var caller = new MerchantCaller(stack);
        var judge = new Judge(stack, caller);
        var runner = new ScheduleRunner(stack, caller, judge, Guid.NewGuid().ToString("N")[..8], settings.ConvergeBound);
        var results = new List<ScheduleResult>(settings.Seeds.Count);
        foreach (var seed in settings.Seeds)
        {
            var result = await runner.RunAsync(ScheduleGenerator.Generate(seed)).ConfigureAwait(false);
            results.Add(result);
            await output.WriteLineAsync(RunReport.Line(results.Count, result)).ConfigureAwait(false);
            await output.FlushAsync().ConfigureAwait(false);
        }

        var summary = RunReport.Summary(results, total.Elapsed);
        await output.WriteLineAsync(summary).ConfigureAwait(false);
        if (settings.OutputDirectory is { } directory)
        {
            Directory.CreateDirectory(directory);
            await File.WriteAllTextAsync(Path.Combine(directory, "summary.md"), summary).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(directory, "schedules.json"), RunReport.Json(results)).ConfigureAwait(false);
        }

        return results;
    }
}
