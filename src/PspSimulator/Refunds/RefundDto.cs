namespace PspSimulator.Refunds;

/// <summary>A Refund as the API shows it.</summary>
internal sealed record RefundDto(
    string Id,
    string Object,
    long Amount,
    string Currency,
    string PaymentIntent,
    string Status,
    IReadOnlyDictionary<string, string> Metadata,
    long Created);
