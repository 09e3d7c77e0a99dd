namespace PspSimulator.Truth;

/// <summary>A PaymentIntent in the ground truth.</summary>
internal sealed record TruthPaymentIntentDto(
    string Id,
    long Amount,
    string Currency,
    string Status,
    string CaptureMethod,
    long AmountCapturable,
    long AmountReceived,
    long AmountRefunded,
    IReadOnlyDictionary<string, string> Metadata,
    long Created,
    string? CancellationReason,
    long? CaptureBefore);
