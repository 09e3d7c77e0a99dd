namespace Payments.Pipeline.Operations;

public abstract record RefundInsert
{
    private RefundInsert()
    {
    }

    public sealed record Inserted(long Amount, string Json) : RefundInsert;

    public sealed record ChargeNotFound : RefundInsert;

    public sealed record NotCaptured(string Status) : RefundInsert;

    public sealed record Exceeds(long Refundable) : RefundInsert;

    /// <summary>A dispute of the charge is open: the PSP would refuse the refund.</summary>
    public sealed record Disputed : RefundInsert;

    /// <summary>The idempotency key was taken meanwhile (a concurrent duplicate).</summary>
    public sealed record KeyTaken : RefundInsert;
}
