using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
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
/// <para>
/// Fairness: one merchant may hold at most <see cref="ChargeOptions.MaxShareOfInProgress"/> of the
/// limit, so a flood from one merchant (a runaway retry loop, a stolen key) leaves room for every
/// other merchant's charges. A merchant's slot is reserved before its intent is queued
/// (<see cref="TryAdmit"/>), not counted after the commit, so a burst of concurrent requests cannot
/// all pass the check before any of them is counted; the reservation becomes the charge's
/// (<see cref="Started"/>) or is given back (<see cref="Withdraw"/>). The intent queue is covered by
/// the same reservation: a merchant's queued intents are within its share.
/// </para>
/// </summary>
public sealed class ChargesInProgress
{
    private readonly ConcurrentDictionary<string, (string? MerchantId, long Since)> _since = new(StringComparer.Ordinal);

    // One entry per merchant that has had charges here: bounded by the merchants table.
    private readonly ConcurrentDictionary<string, StrongBox<int>> _byMerchant = new(StringComparer.Ordinal);
    private readonly int _limit;
    private readonly int _merchantLimit;
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
        _merchantLimit = Math.Max(1, (int)(_limit * options.Value.MaxShareOfInProgress));
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

    /// <summary>Charges in progress (or reserved) of one merchant.</summary>
    public int CountOf(string merchantId) => _byMerchant.TryGetValue(merchantId, out var count) ? Volatile.Read(ref count.Value) : 0;

    /// <summary>
    /// Reserves a slot for a new charge of <paramref name="merchantId"/>: false when the process is
    /// full or the merchant holds its share. A true must be followed by <see cref="Started"/> with
    /// the merchant, or by <see cref="Withdraw"/>.
    /// </summary>
    public bool TryAdmit(string merchantId)
    {
        if (!HasRoom)
        {
            return false;
        }

        var count = _byMerchant.GetOrAdd(merchantId, static _ => new StrongBox<int>());
        if (Interlocked.Increment(ref count.Value) <= _merchantLimit)
        {
            return true;
        }

        Interlocked.Decrement(ref count.Value);
        return false;
    }

    /// <summary>Gives back a reservation whose charge was not recorded (a replay, a refusal, a failed commit).</summary>
    public void Withdraw(string merchantId)
    {
        if (_byMerchant.TryGetValue(merchantId, out var count))
        {
            Interlocked.Decrement(ref count.Value);
        }
    }

    /// <summary>A charge now in progress; with <paramref name="admittedMerchantId"/>, it takes over that merchant's reservation.</summary>
    public void Started(string chargeId, string? admittedMerchantId = null)
    {
        if (_since.TryAdd(chargeId, (admittedMerchantId, _clock.GetTimestamp())))
        {
            Interlocked.Increment(ref _count);
        }
        else if (admittedMerchantId is not null)
        {
            Withdraw(admittedMerchantId);
        }
    }

    public void Finished(string chargeId)
    {
        if (_since.TryRemove(chargeId, out var entry))
        {
            Interlocked.Decrement(ref _count);
            Release(entry.MerchantId);
            var seconds = _clock.GetElapsedTime(entry.Since).TotalSeconds;
            lock (_averageLock)
            {
                Volatile.Write(ref _averageSeconds, _averageSeconds + (Smoothing * (seconds - _averageSeconds)));
            }
        }
    }

    /// <summary>Charges counted far longer than an attempt can take: perhaps finished elsewhere, to be looked up.</summary>
    public IReadOnlyList<string> Stale() =>
        [.. _since.Where(entry => _clock.GetElapsedTime(entry.Value.Since) > _forgetAfter).Select(entry => entry.Key)];

    /// <summary>Lets go of charges found final elsewhere (not a time to final: another instance moved them).</summary>
    public void Forget(IEnumerable<string> finishedElsewhere)
    {
        ArgumentNullException.ThrowIfNull(finishedElsewhere);
        foreach (var chargeId in finishedElsewhere)
        {
            if (_since.TryRemove(chargeId, out var entry))
            {
                Interlocked.Decrement(ref _count);
                Release(entry.MerchantId);
            }
        }
    }

    private void Release(string? merchantId)
    {
        if (merchantId is not null)
        {
            Withdraw(merchantId);
        }
    }
}
