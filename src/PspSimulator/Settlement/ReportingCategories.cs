namespace PspSimulator.Settlement;

/// <summary>The contract's <c>reporting_category</c> values.</summary>
internal static class ReportingCategories
{
    public const string Charge = "charge";
    public const string Refund = "refund";
    public const string Dispute = "dispute";
    public const string DisputeReversal = "dispute_reversal";
    public const string Payout = "payout";
    public const string PayoutFailure = "payout_failure";
}
