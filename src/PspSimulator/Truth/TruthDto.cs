namespace PspSimulator.Truth;

/// <summary>
/// The answer of <c>GET /_sim/truth</c>. <see cref="Balance"/> is the platform's balance per currency
/// (minor units), the whole platform's even when the truth is filtered to one charge id.
/// </summary>
internal sealed record TruthDto(
    IReadOnlyList<TruthPaymentIntentDto> PaymentIntents,
    IReadOnlyList<TruthRefundDto> Refunds,
    IReadOnlyList<TruthMovementDto> Movements,
    IReadOnlyDictionary<string, MovementCountsDto> CountsByIdempotencyKey,
    IReadOnlyDictionary<string, MovementCountsDto> CountsByChargeId,
    IReadOnlyDictionary<string, CurrencyTotalsDto> Totals,
    IReadOnlyList<TruthDisputeDto> Disputes,
    IReadOnlyDictionary<string, long> Balance);
