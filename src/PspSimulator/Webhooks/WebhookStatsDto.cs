namespace PspSimulator.Webhooks;

/// <summary>
/// Webhook counters: events dispatched, dropped by the plan, duplicated, copies scheduled, held for
/// reordering, released after a newer event, released by timeout, HTTP attempts, copies delivered,
/// failed attempts, copies given up after the last retry, events lost to a full queue.
/// </summary>
internal sealed record WebhookStatsDto(
    long Events,
    long Dropped,
    long Duplicated,
    long Copies,
    long HeldForReorder,
    long Reordered,
    long ReorderExpired,
    long Attempts,
    long Delivered,
    long FailedAttempts,
    long GaveUp,
    long QueueOverflow);
