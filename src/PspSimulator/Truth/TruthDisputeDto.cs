namespace PspSimulator.Truth;

/// <summary>A dispute in the ground truth.</summary>
internal sealed record TruthDisputeDto(
    string Id,
    string PaymentIntent,
    long Amount,
    long Fee,
    string Currency,
    string Status,
    string Reason,
    long Created);
