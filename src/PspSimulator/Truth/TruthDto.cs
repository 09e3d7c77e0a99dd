namespace PspSimulator.Truth;

/// <summary>The answer of <c>GET /_sim/truth</c>.</summary>
internal sealed record TruthDto(
    IReadOnlyList<TruthPaymentIntentDto> PaymentIntents,
    IReadOnlyList<TruthRefundDto> Refunds,
    IReadOnlyList<TruthMovementDto> Movements,
    IReadOnlyDictionary<string, MovementCountsDto> CountsByIdempotencyKey,
    IReadOnlyDictionary<string, MovementCountsDto> CountsByChargeId,
    IReadOnlyDictionary<string, CurrencyTotalsDto> Totals,
    IReadOnlyList<TruthDisputeDto> Disputes);
