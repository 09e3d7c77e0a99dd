namespace PspSimulator.Truth;

/// <summary>A refund in the ground truth.</summary>
internal sealed record TruthRefundDto(
    string Id,
    string PaymentIntent,
    long Amount,
    string Currency,
    string Status,
    IReadOnlyDictionary<string, string> Metadata,
    long Created);
