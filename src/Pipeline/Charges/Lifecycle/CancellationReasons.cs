namespace Payments.Pipeline.Charges.Lifecycle;

/// <summary>The charge's <c>cancellation_reason</c> once voided (null on every other charge).</summary>
internal static class CancellationReasons
{
    /// <summary>Someone asked: a void through this API, or a cancel made at the PSP directly.</summary>
    public const string Requested = "requested";

    /// <summary>The PSP let the authorization expire and canceled it.</summary>
    public const string Expired = "expired";
}
