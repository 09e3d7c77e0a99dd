namespace Payments.Pipeline.Outbox;

/// <summary>
/// An auto-reset wake-up between loops: <see cref="Set"/> from any thread; a wait returns
/// once it was set since the previous wait returned (several sets count as one), or when its
/// timeout passes. The waiter re-checks its own condition either way, so a spare wake-up is
/// harmless and none is lost.
/// </summary>
internal sealed class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0);

    public void Set()
    {
        // Racy on purpose: two setters may both release, which only costs one spare wake-up;
        // the check keeps the count from growing without bound when nobody waits.
        if (_semaphore.CurrentCount == 0)
        {
            _semaphore.Release();
        }
    }

    public Task WaitAsync(CancellationToken cancellationToken = default) => _semaphore.WaitAsync(cancellationToken);

    /// <summary>True when woken, false when the timeout passed first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => _semaphore.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _semaphore.Dispose();
}
