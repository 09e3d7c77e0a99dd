namespace Payments.Pipeline.Charges;

/// <summary>The columns of a charge that the state machine decides on; <see cref="AmountSplit"/> is the sum of its splits.</summary>
public sealed record ChargeRow(
    string Id,
    string MerchantId,
    string Status,
    string? PendingReason,
    long Amount,
    string Currency,
    string PaymentMethod,
    bool Capture,
    string? Description,
    string? PspReference,
    long AmountAuthorized,
    long AmountCaptured,
    int AttemptCount,
    DateTimeOffset? PspKeySettledAt,
    int Version,
    DateTimeOffset? FollowUpAt = null,
    long AmountSplit = 0);
