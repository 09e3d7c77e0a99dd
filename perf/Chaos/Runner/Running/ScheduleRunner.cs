using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Payments.Chaos.Schedules;
using Payments.Chaos.Stack;
using Payments.Chaos.Verdict;

namespace Payments.Chaos.Running;

/// <summary>
/// Runs one schedule: its fault plans in turn, its process fault at its point of the workload, the
/// workload itself; then stops the faults and has the judge give its verdict.
/// </summary>
internal sealed class ScheduleRunner(ChaosStack stack, MerchantCaller caller, Judge judge, string runNonce, TimeSpan bound)
{
    private readonly WorkloadDriver _driver = new(stack, caller, runNonce);

    public async Task<ScheduleResult> RunAsync(Schedule schedule)
    {
        var wall = Stopwatch.StartNew();
        var since = await DatabaseNowAsync().ConfigureAwait(false);
        var log = new ScheduleLog();
        var process = Task.CompletedTask;
        foreach (var step in schedule.Steps)
        {
            foreach (var phase in schedule.Faults.Where(f => f.AtStep == step.Index))
            {
                await ApplyAsync(phase).ConfigureAwait(false);
            }

            var sent = _driver.ExecuteAsync(schedule, step, log);
            if (schedule.ProcessFault is { } fault && fault.AtStep == step.Index)
            {
                process = ProcessFaultAsync(fault);
            }

            await sent.ConfigureAwait(false);
        }

        await process.ConfigureAwait(false);
        using (var cleared = await stack.Simulator.PutAsJsonAsync("/_sim/faults", new { }).ConfigureAwait(false))
        {
            cleared.EnsureSuccessStatusCode();
        }

        var (converged, violations) = await judge.ConvergeAsync(since, log, bound).ConfigureAwait(false);
        return new ScheduleResult(schedule, log, converged, violations, wall.Elapsed, judge.Checked);
    }

    private async Task ApplyAsync(FaultPhase phase)
    {
        using (var set = await stack.Simulator.PutAsJsonAsync("/_sim/faults", phase.Plan).ConfigureAwait(false))
        {
            if (!set.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"The simulator refused the plan {phase.Plan.ToJsonString()}: {await set.Content.ReadAsStringAsync().ConfigureAwait(false)}");
            }
        }

        if (phase.CompressedOutage)
        {
            // Ten minutes pass at the PSP (authorizations age, keys age, days may turn) while the
            // outage itself lasts its real seconds: the service's own clocks cannot be compressed.
            using var advanced = await stack.Simulator.PostAsync("/_sim/clock/advance?seconds=600", null).ConfigureAwait(false);
            advanced.EnsureSuccessStatusCode();
        }
    }

    private async Task ProcessFaultAsync(ProcessFault fault)
    {
        await Task.Delay(fault.DelayMs).ConfigureAwait(false);
        if (fault.Kind == ProcessFaultKind.KillInstance)
        {
            var instance = stack.Instances[fault.Instance];
            instance.Kill();
            await Task.Delay(fault.DownMs).ConfigureAwait(false);
            await instance.StartAsync().ConfigureAwait(false);
        }
        else
        {
            await stack.CrashDatabaseAsync(TimeSpan.FromMilliseconds(fault.DownMs)).ConfigureAwait(false);
            // The runner's own pooled connections died with the server.
            stack.Database.Clear();
        }
    }

    private async Task<DateTime> DatabaseNowAsync()
    {
        await using var command = stack.Database.CreateCommand("SELECT now()");
        return (DateTime)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }
}

/// <summary>One schedule's outcome: what ran, how long the system took to agree with the PSP, and what it did not agree on.</summary>
internal sealed record ScheduleResult(Schedule Schedule, ScheduleLog Log, TimeSpan Converged, IReadOnlyList<Problem> Violations, TimeSpan Wall, string Checked)
{
    public bool Passed => Violations.Count == 0;

    /// <summary>The seeds run before it on its stack, in order: the PSP's days and balances they left are part of its run.</summary>
    public IReadOnlyList<int> RanAfter { get; init; } = [];

    /// <summary>The runner's arguments that replay it: its stack's sequence up to it, or its seed alone if it ran first.</summary>
    public string ReplayArguments => RanAfter.Count == 0
        ? string.Create(CultureInfo.InvariantCulture, $"--seed {Schedule.Seed}")
        : $"--seeds {string.Join(',', RanAfter.Append(Schedule.Seed).Select(s => s.ToString(CultureInfo.InvariantCulture)))}";
}
