namespace PspSimulator.Payouts;

/// <summary>The <c>failure_code</c> values the simulator produces (a subset of Stripe's).</summary>
internal static class PayoutFailureCodes
{
    public const string AccountClosed = "account_closed";
    public const string CouldNotProcess = "could_not_process";
}
