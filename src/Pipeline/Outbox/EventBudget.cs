namespace Payments.Pipeline.Outbox;

/// <summary>
/// Bounds the events decoded but not yet handed off. The stream reader waits for room before
/// it reads on, so a slow database slows the stream (the server keeps the WAL) instead of
/// filling memory.
/// </summary>
internal sealed class EventBudget(int limit) : IDisposable
{
    private readonly WakeSignal _released = new();
    private long _buffered;

    public long Buffered => Interlocked.Read(ref _buffered);

    public async Task WaitForRoomAsync(CancellationToken cancellationToken = default)
    {
        while (Interlocked.Read(ref _buffered) >= limit)
        {
            await _released.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Take(int count) => Interlocked.Add(ref _buffered, count);

    public void Return(int count)
    {
        Interlocked.Add(ref _buffered, -count);
        _released.Set();
    }

    public void Dispose() => _released.Dispose();
}
