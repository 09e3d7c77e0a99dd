namespace PspSimulator.Payouts;

/// <summary>A Payout as the API, its events and the control surface show it, in the contract's member order.</summary>
internal sealed record PayoutDto(
    string Id,
    string Object,
    long Amount,
    string Currency,
    string Destination,
    string Status,
    string? FailureCode,
    long ArrivalDate,
    IReadOnlyDictionary<string, string> Metadata,
    long Created);
