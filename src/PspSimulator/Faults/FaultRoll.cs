namespace PspSimulator.Faults;

/// <summary>What the plan decided for one request.</summary>
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
