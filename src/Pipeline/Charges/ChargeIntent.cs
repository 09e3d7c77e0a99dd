namespace Payments.Pipeline.Charges;

/// <summary>A validated charge request from a merchant, bound to its idempotency key and request hash.</summary>
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
    string MetadataJson);
