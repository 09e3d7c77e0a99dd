namespace Payments.Pipeline.Operations;

/// <summary>A capture, void or refund of a charge whose PSP answer is not in yet.</summary>
public sealed record OpenStep(
    string Id, string Kind, long? Amount, string PendingReason, int AttemptCount, DateTimeOffset? PspKeySettledAt, string? PspReference)
{
    public const string Capture = "capture";
    public const string Void = "void";
    public const string Refund = "refund";
}
