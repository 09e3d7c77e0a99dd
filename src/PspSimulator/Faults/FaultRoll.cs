namespace PspSimulator.Faults;

/// <summary>What the plan decided for one request.</summary>
internal readonly record struct FaultRoll(
    long Sequence,
    FaultKind Kind,
    int LatencyMs,
    int HoldMs,
    bool Execute,
    bool AnswerWith500);
