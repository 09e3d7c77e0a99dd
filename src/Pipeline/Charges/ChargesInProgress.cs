using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Payments.Pipeline.Observability;

namespace Payments.Pipeline.Charges;

/// <summary>
/// The charges this process accepted that are still pending: admission control for new ones.
/// An accepted charge costs work after its answer (a PSP call, a transition, a webhook); when
/// that work falls behind, refusing new charges with 503 at the door keeps the time to a final
/// state bounded, where accepting them only grew a backlog (peak profile: all final 34 s after
/// the run instead of 10). Two signals close the door: the count of pending charges at its
/// limit, and the recent time from acceptance to leaving pending (a moving average) above its
/// target, which is what a backlog anywhere downstream shows as. Below a floor of pending
/// charges the average does not close the door, so it is refreshed and admission never locks
/// itself shut; the count's limit always holds. A charge finished by another instance is
/// forgotten once the sweep finds it final (looked up after <see cref="ChargeOptions.AttemptLease"/>
/// twice over), so the count cannot leak; a charge still pending is never forgotten by age.
/// </summary>
public sealed class ChargesInProgress
{
    private readonly ConcurrentDictionary<string, long> _since = new(StringComparer.Ordinal);
    private readonly int _limit;
    private readonly TimeSpan _forgetAfter;
    private readonly TimeProvider _clock;
    private readonly double _targetSeconds;
    private readonly Lock _averageLock = new();
    private double _averageSeconds;
    private int _count;

    /// <summary>Pending charges always admitted: enough to keep measuring, too few to be a backlog.</summary>
    public const int Floor = 64;

    /// <summary>Weight of the newest time-to-final in the moving average.</summary>
    private const double Smoothing = 0.02;

    public ChargesInProgress(IOptions<ChargeOptions> options, int pspCallsInFlight, TimeProvider clock, PaymentsMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _limit = options.Value.MaxInProgress ?? pspCallsInFlight;
        _forgetAfter = options.Value.AttemptLease * 2;
        _clock = clock;
        _targetSeconds = options.Value.AdmissionTarget.TotalSeconds;
        metrics.Gauge("payments_charges_in_progress",
            "Charges this process accepted that are still pending; at the limit new charges get 503 overloaded.", () => Count);
        metrics.Gauge("payments_charges_in_progress_limit", "Charges this process may have in progress at once.", () => _limit);
        metrics.Gauge("payments_charges_time_to_final_average_seconds",
            "Moving average of seconds from acceptance to leaving pending; above Charges:AdmissionTarget new charges get 503 overloaded.",
            () => AverageSecondsToFinal);
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Moving average of seconds from acceptance to leaving pending.</summary>
    public double AverageSecondsToFinal => Volatile.Read(ref _averageSeconds);

    /// <summary>False when a new charge should be refused (overloaded).</summary>
    public bool HasRoom
    {
        get
        {
            var count = Count;
            return count < _limit && (count < Floor || AverageSecondsToFinal <= _targetSeconds);
        }
    }

    public void Started(string chargeId)
    {
        if (_since.TryAdd(chargeId, _clock.GetTimestamp()))
        {
            Interlocked.Increment(ref _count);
        }
    }

    public void Finished(string chargeId)
    {
        if (_since.TryRemove(chargeId, out var since))
        {
            Interlocked.Decrement(ref _count);
            var seconds = _clock.GetElapsedTime(since).TotalSeconds;
            lock (_averageLock)
            {
                Volatile.Write(ref _averageSeconds, _averageSeconds + (Smoothing * (seconds - _averageSeconds)));
            }
        }
    }

    /// <summary>Charges counted far longer than an attempt can take: perhaps finished elsewhere, to be looked up.</summary>
    public IReadOnlyList<string> Stale() =>
        [.. _since.Where(entry => _clock.GetElapsedTime(entry.Value) > _forgetAfter).Select(entry => entry.Key)];

    /// <summary>Lets go of charges found final elsewhere (not a time to final: another instance moved them).</summary>
    public void Forget(IEnumerable<string> finishedElsewhere)
    {
        ArgumentNullException.ThrowIfNull(finishedElsewhere);
        foreach (var chargeId in finishedElsewhere)
        {
            if (_since.TryRemove(chargeId, out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }
}
