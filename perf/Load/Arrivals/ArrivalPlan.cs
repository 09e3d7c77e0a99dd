namespace Payments.Load.Arrivals;

/// <summary>
/// Decides what each arrival sends. Used from the pacing thread only, so the choices follow
/// from the seed alone and two runs with the same options send the same mix.
/// </summary>
internal sealed class ArrivalPlan(double retryShare, double duplicateShare, int seed)
{
    // A retry repeats one of the recent new requests, as a client's retry follows its first try
    // within seconds; the window is a few seconds' worth at the usual rates.
    private const int RecentWindow = 8_192;

    private readonly Random _random = new(seed);
    private readonly long[] _recent = new long[RecentWindow];
    private long _recentCount;

    public Arrival Next(long number)
    {
        var draw = _random.NextDouble();
        if (draw < retryShare && _recentCount > 0)
        {
            var window = (int)Math.Min(_recentCount, RecentWindow);
            return new Arrival(number, ArrivalKind.Retry, _recent[_random.Next(window)]);
        }

        _recent[_recentCount++ % RecentWindow] = number;
        return new Arrival(number, draw < retryShare + duplicateShare ? ArrivalKind.ConcurrentDuplicate : ArrivalKind.Fresh, number);
    }
}
