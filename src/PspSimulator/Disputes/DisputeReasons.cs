namespace PspSimulator.Disputes;

/// <summary>The dispute reasons of the contract (a subset of Stripe's).</summary>
internal static class DisputeReasons
{
    public const string Fraudulent = "fraudulent";
    public const string ProductNotReceived = "product_not_received";
    public const string Duplicate = "duplicate";
    public const string General = "general";

    public static bool IsKnown(string reason) => reason is Fraudulent or ProductNotReceived or Duplicate or General;
}
