namespace PspSimulator.PaymentIntents;

/// <summary>A PaymentIntent as the API shows it.</summary>
internal sealed record PaymentIntentDto(
    string Id,
    string Object,
    long Amount,
    string Currency,
    string Status,
    string CaptureMethod,
    long AmountCapturable,
    long AmountReceived,
    string? LatestCharge,
    IReadOnlyDictionary<string, string> Metadata,
    PaymentErrorDto? LastPaymentError,
    long Created,
    string? Description,
    string PaymentMethod,
    long? CanceledAt);
