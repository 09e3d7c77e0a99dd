using System.Globalization;
using System.Text;
using System.Text.Json;
using Payments.Chaos.Running;
using Payments.Chaos.Schedules;

namespace Payments.Chaos.Reporting;

/// <summary>One line per schedule as it ends, and the summary table at the end of the run.</summary>
internal static class RunReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Line(int index, ScheduleResult result)
    {
        var schedule = result.Schedule;
        var accepted = result.Log.Accepted.Count;
        var charges = result.Log.Accepted.Values.Count(k => k == "charge");
        var verdict = result.Passed ? "ok" : $"VIOLATION ({result.Violations.Count}): {string.Join(" | ", result.Violations.Take(3))}";
        return string.Create(CultureInfo.InvariantCulture,
            $"#{index,4} seed={schedule.Seed,-6} steps={schedule.Steps.Count,2} charges={charges,2} accepted={accepted,2} converge={result.Converged.TotalSeconds,6:F1}s wall={result.Wall.TotalSeconds,5:F1}s checked={result.Checked} faults=[{schedule.Describe()}] {verdict}");
    }

    public static string Summary(IReadOnlyList<ScheduleResult> results, TimeSpan total)
    {
        var converge = results.Select(r => r.Converged.TotalSeconds).Order().ToList();
        double Percentile(double p) => converge.Count == 0 ? 0 : converge[Math.Min(converge.Count - 1, (int)Math.Ceiling(p * converge.Count) - 1)];
        var kills = results.Count(r => r.Schedule.ProcessFault?.Kind == ProcessFaultKind.KillInstance);
        var restarts = results.Count(r => r.Schedule.ProcessFault?.Kind == ProcessFaultKind.RestartDatabase);
        var outages = results.Count(r => r.Schedule.Faults.Any(f => f.CompressedOutage));
        var failed = results.Where(r => !r.Passed).ToList();
        var text = new StringBuilder();
        text.AppendLine("| schedules | violations | instance kills | PostgreSQL restarts | compressed 10-min outages | charges accepted | requests | converge p50 / p90 / p99 / max | whole run |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---|---:|");
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {results.Count} | {failed.Count} | {kills} | {restarts} | {outages} | {results.Sum(r => r.Log.Accepted.Values.Count(k => k == "charge"))} | {results.Sum(r => r.Log.Answers.Values.Sum())} | {Percentile(0.5):F1} / {Percentile(0.9):F1} / {Percentile(0.99):F1} / {(converge.Count == 0 ? 0 : converge[^1]):F1} s | {total.TotalMinutes:F1} min |"));
        text.AppendLine();
        text.AppendLine("Time to converge (s), schedules per bucket:");
        foreach (var (low, high) in new[] { (0.0, 1.0), (1.0, 2.0), (2.0, 5.0), (5.0, 10.0), (10.0, 20.0), (20.0, 60.0), (60.0, double.MaxValue) })
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  [{low,4:F0}, {(high == double.MaxValue ? "inf" : high.ToString("F0", CultureInfo.InvariantCulture)),4}) {converge.Count(c => c >= low && c < high),5}"));
        }

        foreach (var failure in failed)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"replay: perf/profiles/chaos.sh {failure.ReplayArguments}   ({string.Join(" | ", failure.Violations.Take(5))})"));
        }

        return text.ToString();
    }

    public static string Json(IReadOnlyList<ScheduleResult> results) => JsonSerializer.Serialize(
        results.Select(r => new
        {
            seed = r.Schedule.Seed,
            faults = r.Schedule.Describe(),
            steps = r.Schedule.Steps.Count,
            accepted = r.Log.Accepted.Count,
            converge_seconds = Math.Round(r.Converged.TotalSeconds, 3),
            wall_seconds = Math.Round(r.Wall.TotalSeconds, 3),
            violations = r.Violations.Select(v => v.ToString()).ToArray(),
        }),
        Indented);
}
