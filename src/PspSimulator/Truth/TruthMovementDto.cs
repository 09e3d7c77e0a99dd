namespace PspSimulator.Truth;

/// <summary>A money movement in the ground truth; <c>at</c> is ISO 8601 UTC with milliseconds.</summary>
internal sealed record TruthMovementDto(
    string Kind,
    string PaymentIntent,
    string? Refund,
    long Amount,
    string Currency,
    string? IdempotencyKey,
    string? ChargeId,
    string At);
