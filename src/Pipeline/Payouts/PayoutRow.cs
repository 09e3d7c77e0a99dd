namespace Payments.Pipeline.Payouts;

/// <summary>A payout as the processor drives it.</summary>
internal sealed record PayoutRow(
    string Id,
    string MerchantId,
    string? SellerId,
    string Destination,
    long Amount,
    string Currency,
    string Status,
    string? PendingReason,
    string? PspReference,
    int AttemptCount,
    DateTimeOffset? PspKeySettledAt,
    DateTimeOffset CreatedAt);
