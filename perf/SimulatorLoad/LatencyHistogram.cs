namespace SimulatorLoad;

/// <summary>Latencies in 1 ms buckets up to a minute, lock-free.</summary>
internal sealed class LatencyHistogram
{
    private readonly long[] _buckets = new long[60_001];

    public void Record(TimeSpan latency) =>
        Interlocked.Increment(ref _buckets[Math.Clamp((int)latency.TotalMilliseconds, 0, _buckets.Length - 1)]);

    public long Count => _buckets.Sum();

    public int Percentile(double percentile)
    {
        var target = (long)Math.Ceiling(Count * percentile);
        long seen = 0;
        for (var ms = 0; ms < _buckets.Length; ms++)
        {
            seen += _buckets[ms];
            if (seen >= target && seen > 0)
            {
                return ms;
            }
        }

        return 0;
    }

    public int Max()
    {
        for (var ms = _buckets.Length - 1; ms >= 0; ms--)
        {
            if (_buckets[ms] > 0)
            {
                return ms;
            }
        }

        return 0;
    }
}
