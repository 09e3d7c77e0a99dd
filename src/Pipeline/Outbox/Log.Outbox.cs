using Microsoft.Extensions.Logging;

namespace Payments.Pipeline;

/// <summary>The outbox publisher's, the monitor's and webhook delivery's messages (ids 2000–2999).</summary>
internal static partial class Log
{
    [LoggerMessage(2000, LogLevel.Information, "Outbox publisher is disabled (Outbox:Enabled=false): the events feed and webhooks get nothing new")]
    public static partial void PublisherDisabled(ILogger logger);

    [LoggerMessage(2001, LogLevel.Information, "Replication slot {Slot} is streamed by another instance; this one waits as a follower")]
    public static partial void AnotherInstanceLeads(ILogger logger, string slot);

    [LoggerMessage(2002, LogLevel.Error, "Outbox publisher cannot run as configured: {Problem}")]
    public static partial void PublisherMisconfigured(ILogger logger, string problem);

    [LoggerMessage(2003, LogLevel.Warning, "Outbox publisher session failed; reconnecting in {RetryIn} from the last acknowledged position")]
    public static partial void PublisherSessionFailed(ILogger logger, TimeSpan retryIn, Exception exception);

    [LoggerMessage(2004, LogLevel.Warning, "Created replication slot {Slot}; it retains WAL until it is consumed, and is dropped only by an operator")]
    public static partial void SlotCreated(ILogger logger, string slot);

    [LoggerMessage(2005, LogLevel.Information, "Backfilled {Recorded} outbox events committed before slot {Slot} existed ({Queued} deliveries queued)")]
    public static partial void SlotBackfilled(ILogger logger, string slot, int recorded, int queued);

    [LoggerMessage(2006, LogLevel.Warning, "Outbox heartbeat failed; the slot may retain WAL of other tables until the next one")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(2007, LogLevel.Information, "Outbox publisher could not send its final status as the stream ended; the next session resumes from the last batch's acknowledgement")]
    public static partial void FinalStatusFailed(ILogger logger, Exception exception);

    [LoggerMessage(2100, LogLevel.Information,
        "Outbox: slot {Slot} active={Active} wal_status={WalStatus} lag={LagBytes} bytes / {LagSeconds:0.###} s, retained WAL {RetainedBytes} bytes; "
        + "webhook deliveries pending={Pending} failed={Failed} oldest pending {OldestPendingSeconds:0.#} s")]
    public static partial void OutboxStatus(
        ILogger logger, string slot, bool active, string walStatus, long lagBytes, double lagSeconds, long retainedBytes, long pending, long failed, double oldestPendingSeconds);

    [LoggerMessage(2101, LogLevel.Warning, "Outbox: replication slot {Slot} does not exist in this database (yet); webhook deliveries pending={Pending} failed={Failed}")]
    public static partial void SlotMissing(ILogger logger, string slot, long pending, long failed);

    [LoggerMessage(2102, LogLevel.Warning, "Outbox monitor could not read lag and backlog; trying again next interval")]
    public static partial void MonitorFailed(ILogger logger, Exception exception);

    [LoggerMessage(2200, LogLevel.Warning, "Webhook delivery wd_{DeliveryId} of event {EventId} to endpoint {EndpointId} parked as failed after {Attempts} attempts: {Error}")]
    public static partial void DeliveryParked(ILogger logger, long deliveryId, string endpointId, string eventId, int attempts, string error);

    [LoggerMessage(2201, LogLevel.Warning, "Claiming webhook deliveries failed; trying again next round")]
    public static partial void DeliveryClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(2202, LogLevel.Error, "Outcomes of {Count} webhook delivery attempts were not recorded; those deliveries will be attempted again when their lease ends")]
    public static partial void DeliveryOutcomesNotRecorded(ILogger logger, int count, Exception exception);

    [LoggerMessage(2203, LogLevel.Error, "The signing secret of webhook endpoint {EndpointId} (sealed with key {KeyId}) does not open; its deliveries are not sent until the key is configured again")]
    public static partial void DeliverySecretUnavailable(ILogger logger, string endpointId, string keyId, Exception exception);
}
