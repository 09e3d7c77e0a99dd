namespace PspSimulator.Protocol;

/// <summary>Requests under way and in all, for <c>/_sim/stats</c> and the load run.</summary>
internal sealed class RequestCounters
{
    private long _total;
    private long _inFlight;
    private long _maxInFlight;

    public long Total => Volatile.Read(ref _total);

    public long InFlight => Volatile.Read(ref _inFlight);

    public long MaxInFlight => Volatile.Read(ref _maxInFlight);

    public void Started()
    {
        Interlocked.Increment(ref _total);
        var now = Interlocked.Increment(ref _inFlight);
        var max = Volatile.Read(ref _maxInFlight);
        while (now > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxInFlight, now, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    public void Finished() => Interlocked.Decrement(ref _inFlight);

    public void ResetMax() => Interlocked.Exchange(ref _maxInFlight, Volatile.Read(ref _inFlight));
}
