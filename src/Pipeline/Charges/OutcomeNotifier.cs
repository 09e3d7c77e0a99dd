using System.Collections.Concurrent;
using Payments.Pipeline.Observability;

namespace Payments.Pipeline.Charges;

/// <summary>
/// Wakes requests waiting for a charge's outcome when a transition commits in this process.
/// Waiters register before the work is handed over, so a fast outcome is never missed; a
/// transition made by another instance is simply not seen, and the waiter times out to 202.
/// </summary>
public sealed class OutcomeNotifier
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string?>> _waiters = new(StringComparer.Ordinal);

    public OutcomeNotifier(PaymentsMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        metrics.Gauge("payments_charges_outcome_waiters", "Requests of this process waiting for a charge's outcome.", () => Waiting);
    }

    /// <summary>Requests waiting for an outcome now.</summary>
    public int Waiting => _waiters.Count;

    /// <summary>Completes with the charge's JSON as committed by its next transition (null when not carried).</summary>
    public Task<string?> Register(string chargeId) =>
        _waiters.GetOrAdd(chargeId, _ => new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Notify(string chargeId, string? json = null)
    {
        if (_waiters.TryRemove(chargeId, out var waiter))
        {
            waiter.TrySetResult(json);
        }
    }

    /// <summary>Drops a registration whose request stopped waiting (a newer one for the charge stays).</summary>
    public void Forget(string chargeId, Task<string?> registration)
    {
        if (_waiters.TryGetValue(chargeId, out var waiter) && waiter.Task == registration)
        {
            _waiters.TryRemove(new KeyValuePair<string, TaskCompletionSource<string?>>(chargeId, waiter));
        }
    }

    /// <summary>
    /// Waits for <paramref name="registration"/> up to <paramref name="timeout"/>: the committed
    /// JSON if a transition carried it, else null (timed out, or nothing carried); forgets it on timeout.
    /// </summary>
    public async Task<(bool Notified, string? Json)> WaitAsync(string chargeId, Task<string?> registration, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        try
        {
            return (true, await registration.WaitAsync(timeout, cancellationToken).ConfigureAwait(false));
        }
        catch (TimeoutException)
        {
            Forget(chargeId, registration);
            return (false, null);
        }
        catch (OperationCanceledException)
        {
            // The requester went away: nobody waits any more.
            Forget(chargeId, registration);
            throw;
        }
    }
}
