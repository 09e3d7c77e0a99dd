using Payments.Load.Running;
using Payments.Load.Verification;

namespace Payments.Load.Reporting;

/// <summary>The whole run as written to JSON, for comparing runs later.</summary>
internal sealed record RunReport(
    DateTimeOffset StartedAt,
    MachineInfo Machine,
    RunSettings Settings,
    LoadResult Load,
    CorrectnessResult Correctness,
    bool Passed);
