namespace PspSimulator.PaymentIntents;

/// <summary>
/// Authorization expiry. Once the simulator clock reaches an intent's <c>capture_before</c> the PSP
/// cancels it (<c>cancellation_reason = automatic</c>, event <c>payment_intent.canceled</c>). Two paths
/// carry that out and both run under the intent's lock: the sweep, so that it happens without any
/// request, and every request that reads or changes the intent, so that a capture right after the clock
/// jumped never sees an authorization the sweep has not reached yet. Whichever comes first cancels it,
/// once; the status check under the lock makes the other a no-op.
/// </summary>
internal sealed partial class PaymentIntentStore
{
    /// <summary>Cancels the intent if its authorization has expired; the caller holds the intent's lock.</summary>
    public bool ExpireIfDue(PaymentIntentState state)
    {
        if (state.Status != PaymentIntentStatus.RequiresCapture
            || state.CaptureBefore is not { } captureBefore
            || clock.UnixSeconds < captureBefore)
        {
            return false;
        }

        CancelHeld(state, CancellationReasons.Automatic);
        return true;
    }

    /// <summary>Cancels every authorization whose <c>capture_before</c> has come and returns how many it canceled.</summary>
    public int SweepExpired()
    {
        var canceled = 0;
        foreach (var id in expiries.TakeDue(clock.UnixSeconds))
        {
            if (!_intents.TryGetValue(id, out var state))
            {
                continue;
            }

            lock (state.Gate)
            {
                if (ExpireIfDue(state))
                {
                    canceled++;
                }
            }
        }

        return canceled;
    }
}
