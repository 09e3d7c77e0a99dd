namespace PspSimulator.Disputes;

/// <summary>A Dispute as the API, its events and the control surface show it.</summary>
internal sealed record DisputeDto(
    string Id,
    string Object,
    string PaymentIntent,
    long Amount,
    string Currency,
    long Fee,
    string Reason,
    string Status,
    long Created);
