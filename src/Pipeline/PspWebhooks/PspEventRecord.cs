namespace Payments.Pipeline.PspWebhooks;

/// <summary>
/// One PSP event as recorded (once per event id): what it was, what we did with it, the charge
/// whose PaymentIntent it asks us to read, and where it came from (<see cref="PspEventSources"/>).
/// </summary>
public sealed record PspEventRecord(string EventId, string Type, string? ObjectId, string Outcome, string? FollowUpChargeId, string Source);

/// <summary>The two ways a PSP event reaches us; the same handler applies both.</summary>
public static class PspEventSources
{
    public const string Webhook = "webhook";
    public const string EventLog = "event_log";
}
