using PspSimulator.Faults;

namespace PspSimulator.Protocol;

/// <summary>What an executing operation may need from its request: its key and the plan's decline decision.</summary>
internal sealed class OperationContext(string? idempotencyKey, ActiveFaultPlan plan, FaultRoll roll, Operation operation)
{
    public string? IdempotencyKey { get; } = idempotencyKey;

    /// <summary>The plan's decline for a payment method that would otherwise succeed, or null.</summary>
    public string? RollDecline(string paymentMethod) => plan.RollDecline(roll.Sequence, operation, paymentMethod);
}
