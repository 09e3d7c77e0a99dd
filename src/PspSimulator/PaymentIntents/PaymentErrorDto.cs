namespace PspSimulator.PaymentIntents;

/// <summary><c>last_payment_error</c> of a declined PaymentIntent.</summary>
internal sealed record PaymentErrorDto(string Type, string Code, string DeclineCode, string Message);
