namespace PspSimulator.PaymentIntents;

/// <summary>The decline codes the simulator produces.</summary>
internal static class DeclineCodes
{
    public const string GenericDecline = "generic_decline";
    public const string InsufficientFunds = "insufficient_funds";
}
