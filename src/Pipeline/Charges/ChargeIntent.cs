namespace Payments.Pipeline.Charges;

/// <summary>
/// A validated charge request from a merchant, bound to its idempotency key and request hash.
/// <paramref name="RefuseSuspectedDuplicate"/>: the merchant refuses suspected duplicates and the
/// request did not say <c>allow_duplicate</c>.
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
    bool RefuseSuspectedDuplicate = false);
