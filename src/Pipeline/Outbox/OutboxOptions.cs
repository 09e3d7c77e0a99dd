using System.ComponentModel.DataAnnotations;

namespace Payments.Pipeline.Outbox;

/// <summary>The outbox publisher (logical replication) and merchant webhook delivery.</summary>
internal sealed class OutboxOptions
{
    public const string Section = "Outbox";

    // Slot and publication names go into DDL and replication commands, where parameters
    // cannot be used; only plain lower-case identifiers are accepted.
    private const string IdentifierPattern = "^[a-z_][a-z0-9_]{0,62}$";

    /// <summary>Runs the publisher. Off, nothing is streamed: the feed and webhooks stand still.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The permanent replication slot. Slot names are per cluster, not per database: two
    /// databases of one cluster each need their own.
    /// </summary>
    [Required]
    [RegularExpression(IdentifierPattern)]
    public string SlotName { get; set; } = "payments_outbox";

    [Required]
    [RegularExpression(IdentifierPattern)]
    public string PublicationName { get; set; } = "payments_outbox";

    /// <summary>Events handed off (recorded and queued) in one database transaction at most.</summary>
    [Range(1, 100_000)]
    public int MaxHandOffBatch { get; set; } = 5_000;

    /// <summary>Events decoded but not yet handed off, at most; the stream is read no further until some are.</summary>
    [Range(1, 1_000_000)]
    public int MaxBufferedEvents { get; set; } = 50_000;

    /// <summary>
    /// How often the publisher writes a transactional logical message, so that the slot is
    /// acknowledged past WAL written only to other tables (otherwise it pins that WAL).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How soon an instance that found the slot in use by another one tries again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan LeaderRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait before reconnecting after a failed session (doubling from 100 ms).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ReconnectDelayMax { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often lag and backlog are measured, exported and logged.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan MonitorInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Runs the webhook delivery worker on this instance (every instance may).</summary>
    public bool DeliveryEnabled { get; set; } = true;

    /// <summary>Attempts of one delivery before it is parked as failed.</summary>
    [Range(1, 100)]
    public int MaxDeliveryAttempts { get; set; } = 10;

    /// <summary>The wait after the first failed attempt; it doubles per attempt up to <see cref="RetryMaxDelay"/>, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Patience for one delivery (connect, send, status line).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deliveries to one endpoint in flight at once on this instance.</summary>
    [Range(1, 1_000)]
    public int DeliveryConcurrencyPerEndpoint { get; set; } = 8;

    /// <summary>Deliveries in flight at once on this instance, all endpoints together.</summary>
    [Range(1, 100_000)]
    public int MaxDeliveriesInFlight { get; set; } = 512;

    /// <summary>Deliveries claimed in one statement at most.</summary>
    [Range(1, 10_000)]
    public int DeliveryClaimBatch { get; set; } = 256;

    /// <summary>
    /// How often the delivery worker looks for due work when nothing woke it (retries coming
    /// due, work queued by another instance).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan DeliveryPollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
