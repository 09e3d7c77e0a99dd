namespace PspSimulator.Payouts;

/// <summary>Payout statuses of the contract: <c>pending → in_transit → paid</c>, or <c>→ failed</c> (after paid too).</summary>
internal static class PayoutStatus
{
    public const string Pending = "pending";
    public const string InTransit = "in_transit";
    public const string Paid = "paid";
    public const string Failed = "failed";
}
