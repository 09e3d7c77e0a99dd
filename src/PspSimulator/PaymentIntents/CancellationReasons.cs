namespace PspSimulator.PaymentIntents;

/// <summary>
/// Stripe's <c>cancellation_reason</c> values: a caller may name the first four; <see cref="Automatic"/>
/// is the PSP's own, when an authorization expires.
/// </summary>
internal static class CancellationReasons
{
    public const string Duplicate = "duplicate";
    public const string Fraudulent = "fraudulent";
    public const string RequestedByCustomer = "requested_by_customer";
    public const string Abandoned = "abandoned";
    public const string Automatic = "automatic";

    private static readonly HashSet<string> Requestable = new(StringComparer.Ordinal)
    {
        Duplicate, Fraudulent, RequestedByCustomer, Abandoned,
    };

    public static bool CanBeRequested(string reason) => Requestable.Contains(reason);
}
