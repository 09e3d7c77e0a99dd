namespace PspSimulator.Truth;

/// <summary>
/// A money movement in the ground truth; <c>at</c> is ISO 8601 UTC with milliseconds. <c>dispute</c> is
/// set on the movements of a dispute (<c>dispute</c>, <c>dispute_fee</c>, <c>dispute_reversal</c>);
/// <c>payout</c> (the <c>po_</c> id) and <c>payout_id</c> (its <c>metadata[payout_id]</c>) on those of a
/// payout, which have no <c>payment_intent</c>.
/// </summary>
internal sealed record TruthMovementDto(
    string Kind,
    string? PaymentIntent,
    string? Refund,
    long Amount,
    string Currency,
    string? IdempotencyKey,
    string? ChargeId,
    string At,
    string? Dispute,
    string? Payout,
    string? PayoutId);
