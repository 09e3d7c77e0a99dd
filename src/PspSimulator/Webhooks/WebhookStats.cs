namespace PspSimulator.Webhooks;

/// <summary>Counters of webhook delivery, for <c>/_sim/webhooks/stats</c> and the rate tests.</summary>
internal sealed class WebhookStats
{
    private long _events;
    private long _dropped;
    private long _duplicated;
    private long _copies;
    private long _held;
    private long _reordered;
    private long _reorderExpired;
    private long _attempts;
    private long _delivered;
    private long _failedAttempts;
    private long _gaveUp;
    private long _queueOverflow;

    public void Event() => Interlocked.Increment(ref _events);

    public void Dropped() => Interlocked.Increment(ref _dropped);

    public void Duplicated() => Interlocked.Increment(ref _duplicated);

    public void Copies(int count) => Interlocked.Add(ref _copies, count);

    public void Held() => Interlocked.Increment(ref _held);

    public void Reordered() => Interlocked.Increment(ref _reordered);

    public void ReorderExpired() => Interlocked.Increment(ref _reorderExpired);

    public void Attempt() => Interlocked.Increment(ref _attempts);

    public void Delivered() => Interlocked.Increment(ref _delivered);

    public void FailedAttempt() => Interlocked.Increment(ref _failedAttempts);

    public void GaveUp() => Interlocked.Increment(ref _gaveUp);

    public void QueueOverflow() => Interlocked.Increment(ref _queueOverflow);

    public WebhookStatsDto Snapshot() => new(
        Volatile.Read(ref _events),
        Volatile.Read(ref _dropped),
        Volatile.Read(ref _duplicated),
        Volatile.Read(ref _copies),
        Volatile.Read(ref _held),
        Volatile.Read(ref _reordered),
        Volatile.Read(ref _reorderExpired),
        Volatile.Read(ref _attempts),
        Volatile.Read(ref _delivered),
        Volatile.Read(ref _failedAttempts),
        Volatile.Read(ref _gaveUp),
        Volatile.Read(ref _queueOverflow));

    /// <summary>Back to zero; only <c>POST /_sim/reset</c> calls this.</summary>
    public void Reset()
    {
        Volatile.Write(ref _events, 0);
        Volatile.Write(ref _dropped, 0);
        Volatile.Write(ref _duplicated, 0);
        Volatile.Write(ref _copies, 0);
        Volatile.Write(ref _held, 0);
        Volatile.Write(ref _reordered, 0);
        Volatile.Write(ref _reorderExpired, 0);
        Volatile.Write(ref _attempts, 0);
        Volatile.Write(ref _delivered, 0);
        Volatile.Write(ref _failedAttempts, 0);
        Volatile.Write(ref _gaveUp, 0);
        Volatile.Write(ref _queueOverflow, 0);
    }
}
