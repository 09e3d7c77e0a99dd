using System.Diagnostics;
using Payments.Chaos.Reporting;
using Payments.Chaos.Running;
using Payments.Chaos.Schedules;
using Payments.Chaos.Stack;
using Payments.Chaos.Verdict;
using Payments.Plots;

namespace Payments.Chaos;

/// <summary>
/// Starts the stacks, runs every schedule on one of them (the seeds dealt out in turn), prints a line
/// per schedule as it ends and the summary at the end. Schedules of one stack run one after another.
/// </summary>
internal static class ChaosRun
{
    public static async Task<IReadOnlyList<ScheduleResult>> RunAsync(ChaosSettings settings, TextWriter output)
    {
        output = TextWriter.Synchronized(output);
        var total = Stopwatch.StartNew();
        var results = new List<ScheduleResult>(settings.Seeds.Count);
        var gate = new SemaphoreSlim(1, 1);
        // Dealt in blocks of eight seeds, so the process faults (which the seed decides, all on odd
        // seeds) spread over the stacks: dealt one by one, a first long run put them all on one stack.
        var stacks = Math.Max(1, settings.Stacks);
        var shares = Enumerable.Range(0, stacks)
            .Select(stack => settings.Seeds.Where((_, i) => i / 8 % stacks == stack).ToList())
            .Where(share => share.Count > 0);
        await Task.WhenAll(shares.Select((share, index) => RunStackAsync(settings, index, share, output, results, gate))).ConfigureAwait(false);

        var summary = RunReport.Summary(results, total.Elapsed);
        await output.WriteLineAsync(summary).ConfigureAwait(false);
        if (settings.OutputDirectory is { } directory)
        {
            Directory.CreateDirectory(directory);
            await File.WriteAllTextAsync(Path.Combine(directory, "summary.md"), summary).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(directory, "schedules.json"), RunReport.Json(results)).ConfigureAwait(false);
            ChaosPlot.Write(
                Path.Combine(directory, "chaos.png"),
                [.. results.Select((r, i) => new ChaosPoint(r.Schedule.Seed, i + 1, r.Converged.TotalSeconds, !r.Passed, r.Schedule.Describe()))]);
        }

        return results;
    }

    private static async Task RunStackAsync(ChaosSettings settings, int index, IReadOnlyList<int> seeds, TextWriter output, List<ScheduleResult> results, SemaphoreSlim gate)
    {
        await using var stack = await ChaosStack.StartAsync(settings, index, output).ConfigureAwait(false);
        using var caller = new MerchantCaller(stack);
        var judge = new Judge(stack, caller, await stack.PspTodayAsync().ConfigureAwait(false));
        var runner = new ScheduleRunner(stack, caller, judge, Guid.NewGuid().ToString("N")[..8], settings.ConvergeBound);
        var ran = new List<int>();
        foreach (var seed in seeds)
        {
            var result = await runner.RunAsync(ScheduleGenerator.Generate(seed)).ConfigureAwait(false) with { RanAfter = [.. ran] };
            ran.Add(seed);
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                results.Add(result);
                await output.WriteLineAsync(RunReport.Line(results.Count, result)).ConfigureAwait(false);
                await output.FlushAsync().ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }
    }
}
