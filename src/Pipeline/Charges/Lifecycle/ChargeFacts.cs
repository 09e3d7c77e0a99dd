namespace Payments.Pipeline.Charges.Lifecycle;

/// <summary>The names of the facts that can move a charge: the columns of the lifecycle table.</summary>
internal static class ChargeFacts
{
    public const string IntentSucceeded = "intent_succeeded";
    public const string IntentRequiresCapture = "intent_requires_capture";
    public const string IntentRequiresPaymentMethod = "intent_requires_payment_method";
    public const string IntentCanceled = "intent_canceled";

    /// <summary>Any other PaymentIntent status (<c>processing</c>, …): still in motion at the PSP.</summary>
    public const string IntentInMotion = "intent_in_motion";

    public const string Declined = "declined";
    public const string Refused = "refused";
    public const string ProvenNotCarriedOut = "proven_not_carried_out";

    public static IReadOnlyList<string> All { get; } =
        [IntentSucceeded, IntentRequiresCapture, IntentRequiresPaymentMethod, IntentCanceled, IntentInMotion, Declined, Refused, ProvenNotCarriedOut];

    public static string ForIntentStatus(string status) => status switch
    {
        "succeeded" => IntentSucceeded,
        "requires_capture" => IntentRequiresCapture,
        "requires_payment_method" => IntentRequiresPaymentMethod,
        "canceled" => IntentCanceled,
        _ => IntentInMotion,
    };
}
