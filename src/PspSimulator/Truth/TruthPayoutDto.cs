namespace PspSimulator.Truth;

/// <summary>A payout in the ground truth.</summary>
internal sealed record TruthPayoutDto(
    string Id,
    long Amount,
    string Currency,
    string Destination,
    string Status,
    string? FailureCode,
    IReadOnlyDictionary<string, string> Metadata,
    long Created,
    long ArrivalDate);
