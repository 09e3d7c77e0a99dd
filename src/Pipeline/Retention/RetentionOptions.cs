using System.ComponentModel.DataAnnotations;

namespace Payments.Pipeline.Retention;

/// <summary>
/// Retention's settings (section <c>Retention</c>). The defaults keep what the contracts promise:
/// events readable (and their deliveries listed and redelivered) for 30 days, as Stripe keeps them;
/// PSP events deduplicated for a week, beyond the PSP's 3 days of redelivery; outbox rows for 2
/// days after the feed holds them. The ledger and the audit trail are never dropped.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Runs the worker that makes and drops partitions. Partitions are made at start either way.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often partitions are made ahead and old ones dropped.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The time range of one partition; a change applies to the partitions made after it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan PartitionWidth { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How far ahead of now partitions exist, so a stopped worker never leaves a row without one.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan Ahead { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Outbox rows kept after their partition ends (and only once the feed holds a later event).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan OutboxKeep { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Feed events and their webhook deliveries kept after their partition ends.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan EventsKeep { get; set; } = TimeSpan.FromDays(30);

    /// <summary>PSP events seen, kept for deduplication after their partition ends.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan PspEventsKeep { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The tables under retention, each with how long it keeps rows.</summary>
    public IReadOnlyList<(string Table, TimeSpan Keep)> Tables =>
    [
        ("outbox", OutboxKeep),
        ("event_feed", EventsKeep),
        ("webhook_deliveries", EventsKeep),
        ("psp_webhook_events", PspEventsKeep),
    ];
}
