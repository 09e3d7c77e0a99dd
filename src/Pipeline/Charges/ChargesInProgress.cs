using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Payments.Pipeline.Observability;

namespace Payments.Pipeline.Charges;

/// <summary>
/// The charges this process accepted that are still pending: admission control for new ones.
/// An accepted charge costs work after its answer (a PSP call, a transition, a webhook); when
/// that work falls behind, refusing new charges with 503 at the door keeps the time to a final
/// state bounded, where accepting them only grew a backlog (peak profile: all final 34 s after
/// the run instead of 10). A charge finished by another instance is forgotten after
/// <see cref="ChargeOptions.AttemptLease"/> twice over, so the count cannot leak.
/// </summary>
public sealed class ChargesInProgress
{
    private readonly ConcurrentDictionary<string, long> _since = new(StringComparer.Ordinal);
    private readonly int _limit;
    private readonly TimeSpan _forgetAfter;
    private readonly TimeProvider _clock;
    private int _count;

    public ChargesInProgress(IOptions<ChargeOptions> options, int pspCallsInFlight, TimeProvider clock, PaymentsMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _limit = options.Value.MaxInProgress ?? pspCallsInFlight;
        _forgetAfter = options.Value.AttemptLease * 2;
        _clock = clock;
        metrics.Meter.CreateObservableGauge("payments.charges.in_progress", () => Count,
            description: "Charges this process accepted that are still pending; at the limit new charges get 503 overloaded.");
        metrics.Meter.CreateObservableGauge("payments.charges.in_progress.limit", () => _limit);
    }

    public int Count => Volatile.Read(ref _count);

    public int Limit => _limit;

    /// <summary>False when a new charge should be refused (overloaded).</summary>
    public bool HasRoom => Count < _limit;

    public void Started(string chargeId)
    {
        if (_since.TryAdd(chargeId, _clock.GetTimestamp()))
        {
            Interlocked.Increment(ref _count);
        }
    }

    public void Finished(string chargeId)
    {
        if (_since.TryRemove(chargeId, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>Forgets charges pending far longer than an attempt can take (finished elsewhere).</summary>
    public void ForgetStale()
    {
        foreach (var (chargeId, since) in _since)
        {
            if (_clock.GetElapsedTime(since) > _forgetAfter)
            {
                Finished(chargeId);
            }
        }
    }
}
