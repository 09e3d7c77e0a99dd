namespace Payments.Pipeline.Outbox;

/// <summary>Deliveries waiting (or being attempted), parked as failed, and the age of the oldest waiting one.</summary>
internal sealed record DeliveryBacklog(long Pending, long Failed, double OldestPendingSeconds);
