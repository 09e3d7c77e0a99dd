namespace PspSimulator.PaymentIntents;

/// <summary>PaymentIntent statuses of the contract.</summary>
internal static class PaymentIntentStatus
{
    public const string Succeeded = "succeeded";
    public const string RequiresCapture = "requires_capture";
    public const string RequiresPaymentMethod = "requires_payment_method";
    public const string Canceled = "canceled";
}
