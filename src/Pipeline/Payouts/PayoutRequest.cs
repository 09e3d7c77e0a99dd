namespace Payments.Pipeline.Payouts;

/// <summary>A merchant's request for a payout, validated: to one of its sellers, or (no seller) to itself; no amount pays out all that is available.</summary>
internal sealed record PayoutRequest(string MerchantId, string? SellerId, string Currency, long? Amount, string IdempotencyKey, byte[] RequestHash);
