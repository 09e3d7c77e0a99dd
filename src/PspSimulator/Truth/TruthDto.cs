namespace PspSimulator.Truth;

/// <summary>
/// The answer of <c>GET /_sim/truth</c>. <see cref="Balance"/> is the platform's balance per currency
/// (minor units), the whole platform's even when the truth is filtered to one charge id. Payouts belong
/// to no charge: a truth filtered to a charge id lists none and counts none.
/// </summary>
internal sealed record TruthDto(
    IReadOnlyList<TruthPaymentIntentDto> PaymentIntents,
    IReadOnlyList<TruthRefundDto> Refunds,
    IReadOnlyList<TruthMovementDto> Movements,
    IReadOnlyDictionary<string, MovementCountsDto> CountsByIdempotencyKey,
    IReadOnlyDictionary<string, MovementCountsDto> CountsByChargeId,
    IReadOnlyDictionary<string, CurrencyTotalsDto> Totals,
    IReadOnlyList<TruthDisputeDto> Disputes,
    IReadOnlyDictionary<string, long> Balance,
    IReadOnlyList<TruthPayoutDto> Payouts,
    IReadOnlyDictionary<string, PayoutCountsDto> CountsByPayoutId);
