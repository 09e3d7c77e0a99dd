namespace PspSimulator.Truth;

/// <summary>One money movement carried out, with the request key that caused it (none for a dispute's, which no request causes).</summary>
internal sealed record MoneyMovement(
    long Sequence,
    MovementKind Kind,
    string PaymentIntent,
    string? Refund,
    long Amount,
    string Currency,
    string? IdempotencyKey,
    string? ChargeId,
    DateTimeOffset At,
    string? Dispute = null);
