using System.Numerics;

namespace Payments.Load.Measuring;

/// <summary>
/// A lock-free latency histogram in microseconds with log-linear buckets (HdrHistogram's
/// layout, since that package is not in our registry): exact below 128 µs, then 64 linear
/// buckets per power of two, so every reported percentile is within 1.6 % of the true value
/// (rounded up, never flattering) from microseconds to hours in a few thousand counters.
/// </summary>
internal sealed class LogLinearHistogram
{
    private const int SubBuckets = 64;
    private const int ExactBelow = 2 * SubBuckets;
    private const int Octaves = 40;

    private readonly long[] _counts = new long[ExactBelow + (Octaves * SubBuckets)];
    private long _count;
    private long _sum;
    private long _max;

    public long Count => Volatile.Read(ref _count);

    public long MaxMicroseconds => Volatile.Read(ref _max);

    public double MeanMicroseconds => Count == 0 ? 0 : (double)Volatile.Read(ref _sum) / Count;

    public void Record(long microseconds)
    {
        var value = Math.Max(0, microseconds);
        Interlocked.Increment(ref _counts[IndexOf(value)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, value);
        var max = Volatile.Read(ref _max);
        while (value > max)
        {
            var seen = Interlocked.CompareExchange(ref _max, value, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>The smallest bucket bound at or below which <paramref name="quantile"/> of the values lie.</summary>
    public long PercentileMicroseconds(double quantile)
    {
        var count = Count;
        if (count == 0)
        {
            return 0;
        }

        var target = Math.Max(1, (long)Math.Ceiling(count * quantile));
        long seen = 0;
        for (var index = 0; index < _counts.Length; index++)
        {
            seen += Volatile.Read(ref _counts[index]);
            if (seen >= target)
            {
                // The bucket's upper bound, but never above what was really seen.
                return Math.Min(UpperBoundOf(index), MaxMicroseconds);
            }
        }

        return MaxMicroseconds;
    }

    public LatencySummary Summarize() => new(
        Count,
        PercentileMicroseconds(0.50) / 1000.0,
        PercentileMicroseconds(0.90) / 1000.0,
        PercentileMicroseconds(0.99) / 1000.0,
        PercentileMicroseconds(0.999) / 1000.0,
        MaxMicroseconds / 1000.0,
        MeanMicroseconds / 1000.0);

    internal static int IndexOf(long value)
    {
        if (value < ExactBelow)
        {
            return (int)value;
        }

        // value lies in [2^p, 2^(p+1)) with p >= 7; keep its top 7 bits (64..127) as the sub-bucket.
        var power = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = power - 6;
        var octave = Math.Min(shift, Octaves) - 1;
        var sub = (int)Math.Min(value >> shift, (2 * SubBuckets) - 1) - SubBuckets;
        return ExactBelow + (octave * SubBuckets) + sub;
    }

    internal static long UpperBoundOf(int index)
    {
        if (index < ExactBelow)
        {
            return index;
        }

        var octave = (index - ExactBelow) / SubBuckets;
        var sub = (index - ExactBelow) % SubBuckets;
        var shift = octave + 1;
        return ((long)(SubBuckets + sub + 1) << shift) - 1;
    }
}
