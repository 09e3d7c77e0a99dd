namespace PspSimulator.Events;

/// <summary>Event types of the contract.</summary>
internal static class EventTypes
{
    public const string PaymentIntentSucceeded = "payment_intent.succeeded";
    public const string PaymentIntentAmountCapturableUpdated = "payment_intent.amount_capturable_updated";
    public const string PaymentIntentPaymentFailed = "payment_intent.payment_failed";
    public const string PaymentIntentCanceled = "payment_intent.canceled";
    public const string RefundCreated = "refund.created";
    public const string RefundUpdated = "refund.updated";
    public const string ChargeDisputeCreated = "charge.dispute.created";
    public const string ChargeDisputeUpdated = "charge.dispute.updated";
    public const string ChargeDisputeClosed = "charge.dispute.closed";
    public const string PayoutCreated = "payout.created";
    public const string PayoutPaid = "payout.paid";
    public const string PayoutFailed = "payout.failed";
}
