namespace PspSimulator.Truth;

/// <summary>
/// One money movement carried out, with the request key that caused it (none for a dispute's, which no
/// request causes). <see cref="DisputeFee"/> is set on a <c>dispute</c> movement only: the fee taken at
/// the same moment (also its own <c>dispute_fee</c> movement in the truth), which the settlement report
/// shows on the dispute's one line, as Stripe does. <see cref="RefundIdMetadata"/> is the
/// <c>metadata[refund_id]</c> of a refund, null for a refund made at the PSP directly. A payout's
/// movements (<c>payout</c>, <c>payout_failure</c>) have no PaymentIntent; they carry <see cref="Payout"/>
/// (the <c>po_</c> id) and <see cref="PayoutIdMetadata"/> (its <c>metadata[payout_id]</c>).
/// </summary>
internal sealed record MoneyMovement(
    long Sequence,
    MovementKind Kind,
    string? PaymentIntent,
    string? Refund,
    long Amount,
    string Currency,
    string? IdempotencyKey,
    string? ChargeId,
    DateTimeOffset At,
    string? Dispute = null,
    long DisputeFee = 0,
    string? RefundIdMetadata = null,
    string? Payout = null,
    string? PayoutIdMetadata = null);
