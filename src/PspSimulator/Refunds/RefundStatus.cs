namespace PspSimulator.Refunds;

/// <summary>Refund statuses of the contract (the simulator never fails a refund).</summary>
internal static class RefundStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
}
