using System.Collections.Concurrent;

namespace Payments.Pipeline.Charges;

/// <summary>
/// Wakes requests waiting for a charge's outcome when a transition commits in this process.
/// Waiters register before the work is handed over, so a fast outcome is never missed; a
/// transition made by another instance is simply not seen, and the waiter times out to 202.
/// </summary>
public sealed class OutcomeNotifier
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);

    public Task Register(string chargeId) =>
        _waiters.GetOrAdd(chargeId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Notify(string chargeId)
    {
        if (_waiters.TryRemove(chargeId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }

    /// <summary>Waits for <paramref name="registration"/> up to <paramref name="timeout"/>; forgets it on timeout.</summary>
    public async Task<bool> WaitAsync(string chargeId, Task registration, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        try
        {
            await registration.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            if (_waiters.TryGetValue(chargeId, out var waiter) && waiter.Task == registration)
            {
                _waiters.TryRemove(new KeyValuePair<string, TaskCompletionSource>(chargeId, waiter));
            }

            return false;
        }
    }
}
