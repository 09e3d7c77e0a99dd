namespace PspSimulator.PaymentIntents;

/// <summary>The contract's test payment methods.</summary>
internal static class TestPaymentMethods
{
    public const string Visa = "pm_card_visa";
    public const string ChargeDeclined = "pm_card_chargeDeclined";
    public const string ChargeDeclinedInsufficientFunds = "pm_card_chargeDeclinedInsufficientFunds";

    /// <summary>The decline a payment method always gets, or null when it succeeds unless the plan declines it.</summary>
    public static string? FixedDecline(string paymentMethod) => paymentMethod switch
    {
        ChargeDeclined => DeclineCodes.GenericDecline,
        ChargeDeclinedInsufficientFunds => DeclineCodes.InsufficientFunds,
        _ => null,
    };
}
