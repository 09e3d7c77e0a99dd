namespace Payments.Pipeline.Charges;

/// <summary>Our durable ids: a prefix and a time-ordered UUIDv7, so ids sort roughly by creation.</summary>
public static class Ids
{
    public static string NewChargeId() => "ch_" + Guid.CreateVersion7().ToString("N");

    public static string NewEventId() => "evt_" + Guid.CreateVersion7().ToString("N");

    public static string NewRefundId() => "rf_" + Guid.CreateVersion7().ToString("N");

    public static string NewOperationId() => "op_" + Guid.CreateVersion7().ToString("N");

    public static string NewPayoutId() => "pyt_" + Guid.CreateVersion7().ToString("N");

    public static string NewDisputeId() => "dsp_" + Guid.CreateVersion7().ToString("N");

    public static string NewSellerId() => "sel_" + Guid.CreateVersion7().ToString("N");
}
