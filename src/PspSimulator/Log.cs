namespace PspSimulator;

/// <summary>Every log message of the simulator.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Fault plan replaced (seed {Seed})")]
    public static partial void FaultPlanReplaced(ILogger logger, int seed);

    [LoggerMessage(2, LogLevel.Information, "Settlement day {Date} closed with {Rows} rows")]
    public static partial void SettlementDayClosed(ILogger logger, string date, int rows);

    [LoggerMessage(3, LogLevel.Debug, "Refund {RefundId} succeeded")]
    public static partial void RefundSucceeded(ILogger logger, string refundId);

    [LoggerMessage(4, LogLevel.Debug, "Webhook {EventId} answered {StatusCode}")]
    public static partial void WebhookRejected(ILogger logger, string eventId, int statusCode);

    [LoggerMessage(5, LogLevel.Debug, "Webhook {EventId} could not be sent: {Reason}")]
    public static partial void WebhookUnreachable(ILogger logger, string eventId, string reason);

    [LoggerMessage(6, LogLevel.Debug, "Webhook {EventId} timed out")]
    public static partial void WebhookTimedOut(ILogger logger, string eventId);

    [LoggerMessage(7, LogLevel.Warning, "Webhook queue full: event {EventId} will not be delivered")]
    public static partial void WebhookQueueFull(ILogger logger, string eventId);

    [LoggerMessage(8, LogLevel.Information, "Webhook {EventId} given up after {Attempts} attempts")]
    public static partial void WebhookGaveUp(ILogger logger, string eventId, int attempts);

    [LoggerMessage(9, LogLevel.Information, "Simulator clock advanced by {Seconds} s to {Now}")]
    public static partial void ClockAdvanced(ILogger logger, double seconds, DateTimeOffset now);

    [LoggerMessage(10, LogLevel.Information, "Pruned {Keys} idempotency keys, {PaymentIntents} payment intents, {Events} events, {Movements} movements, {Days} settlement days, {Payouts} payouts")]
    public static partial void Pruned(ILogger logger, int keys, int paymentIntents, int events, int movements, int days, int payouts);

    [LoggerMessage(11, LogLevel.Information, "Webhook endpoint set to {Url} ({UrlCount} URLs in all) with {SecretCount} secrets")]
    public static partial void WebhookEndpointChanged(ILogger logger, Uri? url, int urlCount, int secretCount);

    [LoggerMessage(12, LogLevel.Information, "Canceled {Count} expired authorizations")]
    public static partial void AuthorizationsExpired(ILogger logger, int count);

    [LoggerMessage(13, LogLevel.Information, "Dispute {DisputeId} on {PaymentIntentId} is now {Status}")]
    public static partial void DisputeMoved(ILogger logger, string disputeId, string paymentIntentId, string status);

    [LoggerMessage(14, LogLevel.Debug, "Payout {PayoutId} is now {Status}")]
    public static partial void PayoutMoved(ILogger logger, string payoutId, string status);

    [LoggerMessage(15, LogLevel.Information, "Simulator reset: forgot {PaymentIntents} PaymentIntents and {Events} events, and the fault plan")]
    public static partial void SimulatorReset(ILogger logger, int paymentIntents, int events);
}
