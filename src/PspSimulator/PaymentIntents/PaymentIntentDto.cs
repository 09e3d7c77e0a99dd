namespace PspSimulator.PaymentIntents;

/// <summary>
/// A PaymentIntent as the API shows it. <c>capture_before</c> is set once the intent is authorized for
/// manual capture and kept afterwards; <c>cancellation_reason</c> is null unless it was canceled.
/// </summary>
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
    long? CanceledAt,
    long? CaptureBefore,
    string? CancellationReason);
