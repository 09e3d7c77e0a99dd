using System.Text.Json.Nodes;

namespace Payments.Chaos.Schedules;

/// <summary>
/// One schedule, derived wholly from its seed: the workload, the fault plans the PSP runs under
/// (each from a step on), and at most one process fault.
/// </summary>
internal sealed record Schedule(int Seed, IReadOnlyList<WorkloadStep> Steps, IReadOnlyList<FaultPhase> Faults, ProcessFault? ProcessFault)
{
    /// <summary>A short description of the faults, for the schedule's line.</summary>
    public string Describe() =>
        string.Join(' ', Faults.Select(f => f.Summary).Append(ProcessFault?.Describe() ?? "").Where(s => s.Length > 0));
}

/// <summary>A PSP fault plan put in force before step <see cref="AtStep"/>.</summary>
/// <param name="CompressedOutage">The plan holds an outage: the PSP's clock also jumps 10 minutes at its start.</param>
internal sealed record FaultPhase(int AtStep, JsonObject Plan, string Summary, bool CompressedOutage);

internal enum ProcessFaultKind
{
    /// <summary>SIGKILL of one service instance, then its restart.</summary>
    KillInstance,

    /// <summary>PostgreSQL stopped immediately (as in a crash), then started again.</summary>
    RestartDatabase,
}

/// <summary>A process fault, <see cref="DelayMs"/> after step <see cref="AtStep"/> is sent, down for <see cref="DownMs"/>.</summary>
internal sealed record ProcessFault(ProcessFaultKind Kind, int AtStep, int DelayMs, int Instance, int DownMs)
{
    public string Describe() => Kind == ProcessFaultKind.KillInstance
        ? $"kill({(char)('a' + Instance)}@{AtStep}+{DelayMs}ms)"
        : $"pg-restart(@{AtStep}+{DelayMs}ms,{DownMs}ms)";
}
