namespace Payments.Pipeline.Outbox;

/// <summary>What one hand-off wrote: events newly recorded in the feed and deliveries queued.</summary>
internal readonly record struct HandOffResult(int Recorded, int Queued);
