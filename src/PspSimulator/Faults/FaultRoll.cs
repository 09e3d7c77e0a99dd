namespace PspSimulator.Faults;

/// <summary>
/// What the plan decided for one request. <see cref="Sequence"/> is the draw point the later decisions
/// (decline, tamper) of the same request use: its arrival number, or its keyed point under a keyed plan.
/// </summary>
internal readonly record struct FaultRoll(
    long Sequence,
    FaultKind Kind,
    int LatencyMs,
    int HoldMs,
    bool Execute,
    bool AnswerWith500)
{
    /// <summary>The status a <see cref="FaultKind.GatewayError"/> answers.</summary>
    public int GatewayStatus { get; init; }

    /// <summary>What a tamper fault rewrites in a 200 PaymentIntent answer, or null.</summary>
    public string? TamperField { get; init; }
}
