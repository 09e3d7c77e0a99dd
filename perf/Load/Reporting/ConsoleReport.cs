using System.Globalization;
using Payments.Load.Measuring;
using Payments.Load.Running;
using Payments.Load.Verification;

namespace Payments.Load.Reporting;

/// <summary>The human summary: the same figures as the JSON, the correctness verdict stated plainly.</summary>
internal static class ConsoleReport
{
    public static void WriteTimeline(TimelineSample sample, bool header)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (header)
        {
            Console.WriteLine("   s      sent  answered  accepted  errors  in-flight  max-in-flight  polling  cpu % of a core");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{sample.Second,4}  {sample.Sent,8}  {sample.Answered,8}  {sample.Accepted,8}  {sample.Errors,6}  {sample.InFlight,9}  {sample.MaxInFlight,13}  {sample.Polling,7}  {string.Join(" ", sample.CpuPercent.Select(c => $"{c.Key} {c.Value:F0}"))}"));
    }

    public static void WriteLoad(LoadResult load, LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(options);
        Console.WriteLine();
        Line($"run {options.RunId}: {load.Arrivals} arrivals ({load.MeasuredArrivals} measured after {options.WarmupSeconds} s warm-up), {load.HttpRequests} HTTP requests, sending took {load.SendingSeconds:F2} s");
        Line($"offered rate       {options.Rate}/s; achieved {load.AchievedArrivalRate:F0} arrivals/s, {load.AcceptedPerSecond:F0} accepted/s (measured window)");
        Line($"accept latency ms  {Format(load.Accept)}{(options.RespondAsync ? "  (Prefer: respond-async: until the intent is durable)" : "  (until the bounded wait for the outcome)")}");
        Line($"time to final ms   {Format(load.TimeToFinal)}  (sampled {options.FinalSampleShare:P1}, polled every {options.PollIntervalMs} ms; not final by the bound: {load.SampledNotFinal})");
        Line($"runner send lag ms {Format(load.SendLag)}  (scheduled to started; large values mean the runner itself fell behind)");
        Line($"max in flight      {load.MaxInFlight}");
        if (load.CpuSplit.Count > 0)
        {
            Line($"cpu (measured window, {Environment.ProcessorCount} cores): {string.Join(", ", load.CpuSplit.Select(c => $"{c.Name} {c.Cores:F2} cores ({c.PercentOfMachine:F0} %)"))}");
        }

        Console.WriteLine("outcomes (measured window; warm-up prefixed):");
        foreach (var (outcome, count) in load.Outcomes)
        {
            Line($"  {outcome,-36} {count,9}");
        }
    }

    public static void WriteCorrectness(CorrectnessResult result, LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(options);
        Console.WriteLine();
        Console.WriteLine("correctness");
        Line($"  double charges: {(result.DoubleCharges is { } d ? d.ToString(CultureInfo.InvariantCulture) : "not checked (no --simulator-url)")}");
        if (result.DoubleChargesWholeTruth is { } all && all != result.DoubleCharges)
        {
            Line($"  double charges in the simulator's whole truth (other runs too): {all}");
        }

        Line($"  lost charges: {result.Lost} (accepted by the service, answered to the runner, missing from its list)");
        Line($"  replays answered with another charge: {result.ReplayMismatches}");
        Line($"  run charges at the service: {result.RunChargesAtService} (runner saw {result.AcceptedByRunner}); by status: {string.Join(", ", result.StatusCounts.Select(s => $"{s.Key} {s.Value}"))}");
        var finalLine = result.SecondsToAllFinal is { } s
            ? $"all final {s:F1} s after the last send (bound {options.FinalBoundSeconds} s): {(result.AllFinalWithinBound ? "yes" : "NO")}"
            : $"NOT all final: {result.PendingAtEnd} still pending {options.FinalBoundSeconds + options.FinalGraceSeconds} s after the last send";
        Line($"  {finalLine}; pending at the first check after the bound ({result.PendingCheckedAtSeconds?.ToString("F1", CultureInfo.InvariantCulture) ?? "-"} s): {result.PendingAtBound}");
        if (result.PspCaptured is { } psp)
        {
            Line($"  captured total: ours {result.OurCaptured}, PSP's {psp}: {(psp == result.OurCaptured ? "equal" : "DIFFERENT")}; charges whose captured amount differs: {result.ChargesWithCapturedMismatch}");
            Line($"  PSP movements for charges the service lost: {result.PspMovementsForUnknownRunCharges}");
        }
        else
        {
            Line($"  captured total: ours {result.OurCaptured}; PSP's not checked (no --simulator-url)");
        }

        Line($"verdict: {(result.Passed ? "PASSED" : "FAILED")}");
    }

    private static string Format(LatencySummary summary) => string.Create(CultureInfo.InvariantCulture,
        $"p50 {summary.P50:F1}  p90 {summary.P90:F1}  p99 {summary.P99:F1}  p99.9 {summary.P999:F1}  max {summary.Max:F1}  (n={summary.Count})");

    private static void Line(FormattableString text) => Console.WriteLine(text.ToString(CultureInfo.InvariantCulture));
}
