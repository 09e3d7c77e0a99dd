namespace Payments.Pipeline.Charges;

/// <summary>
/// A validated charge request from a merchant, bound to its idempotency key and request hash.
/// <paramref name="RefuseSuspectedDuplicate"/>: the merchant refuses suspected duplicates and the
/// request did not say <c>allow_duplicate</c>. <paramref name="Splits"/>: the sellers' parts, in the
/// request's order (null or empty: none), already checked to be the merchant's and to fit.
/// </summary>
public sealed record ChargeIntent(
    string MerchantId,
    string IdempotencyKey,
    byte[] RequestHash,
    long Amount,
    string Currency,
    string PaymentMethod,
    bool Capture,
    string? OrderId,
    string? Description,
    string MetadataJson,
    bool RefuseSuspectedDuplicate = false,
    IReadOnlyList<ChargeSplit>? Splits = null)
{
    /// <summary>The sum of the splits: what the sellers are owed at capture.</summary>
    public long SplitTotal => Splits?.Sum(s => s.Amount) ?? 0;
}
