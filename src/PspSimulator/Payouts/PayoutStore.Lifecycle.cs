using PspSimulator.Events;
using PspSimulator.Truth;

namespace PspSimulator.Payouts;

/// <summary>
/// A payout's life by the simulator clock: <c>pending</c> at creation; <c>in_transit</c> at created +
/// <c>InTransitAfter</c> (a <c>ba_closed</c> destination fails there instead, <c>account_closed</c>);
/// <c>paid</c> at <c>arrival_date</c> (<c>payout.paid</c>); a <c>ba_returned</c> one then fails at
/// <c>arrival_date</c> + <c>ReturnAfter</c> (<c>could_not_process</c>). Every failure gives the amount
/// back (<c>payout_failure</c>) and emits <c>payout.failed</c>. Going in transit emits nothing (the
/// contract has no event for it). Two paths move a payout, both under its lock: the sweep, so that it
/// happens without any request, and every request that reads it, so that a read right after the clock
/// moved never shows a step the sweep has not reached yet. Whichever comes first moves it, once.
/// </summary>
internal sealed partial class PayoutStore
{
    /// <summary>Carries out every step that is due; the caller holds the payout's lock.</summary>
    public void AdvanceIfDue(PayoutState payout)
    {
        var now = clock.UnixSeconds;
        if (payout.Status == PayoutStatus.Pending && now >= payout.InTransitAt)
        {
            if (TestDestinations.FailsBeforePaid(payout.Request.Destination))
            {
                Fail(payout, PayoutFailureCodes.AccountClosed);
                return;
            }

            payout.Status = PayoutStatus.InTransit;
            payout.LastChangedAt = now;
            Log.PayoutMoved(logger, payout.Id, payout.Status);
        }

        if (payout.Status == PayoutStatus.InTransit && now >= payout.ArrivalDate)
        {
            payout.Status = PayoutStatus.Paid;
            payout.LastChangedAt = now;
            Log.PayoutMoved(logger, payout.Id, payout.Status);
            Answer(EventTypes.PayoutPaid, payout);
        }

        if (payout.Status == PayoutStatus.Paid && payout.ReturnAt is { } returnAt && now >= returnAt)
        {
            Fail(payout, PayoutFailureCodes.CouldNotProcess);
        }
    }

    /// <summary>Moves every payout whose next step has come and returns how many it looked at.</summary>
    public int SweepDue()
    {
        var swept = 0;
        foreach (var id in schedule.TakeDue(clock.UnixSeconds))
        {
            if (!_payouts.TryGetValue(id, out var payout))
            {
                continue;
            }

            lock (payout.Gate)
            {
                AdvanceIfDue(payout);
                if (payout.NextDue is { } next)
                {
                    schedule.Add(id, next);
                }
            }

            swept++;
        }

        return swept;
    }

    /// <summary>The bank returns a paid payout now (<c>could_not_process</c>), as <c>ba_returned</c> does later.</summary>
    public PayoutControlResult Return(PayoutState payout)
    {
        lock (payout.Gate)
        {
            AdvanceIfDue(payout);
            if (payout.Status != PayoutStatus.Paid)
            {
                return PayoutControlResult.Refused("Payout " + payout.Id + " is " + payout.Status + "; only a paid payout can be returned.");
            }

            Fail(payout, PayoutFailureCodes.CouldNotProcess);
            return PayoutControlResult.Done(payout);
        }
    }

    // Called under the payout's lock. The amount comes back to the balance whether the payout failed
    // before it was paid or was returned after.
    private void Fail(PayoutState payout, string failureCode)
    {
        payout.Status = PayoutStatus.Failed;
        payout.FailureCode = failureCode;
        payout.LastChangedAt = clock.UnixSeconds;
        movements.RecordPayout(
            MovementKind.PayoutFailure,
            payout.Id,
            payout.Request.Amount,
            payout.Request.Currency,
            payout.IdempotencyKey,
            payout.Request.PayoutId);
        Log.PayoutMoved(logger, payout.Id, payout.Status);
        Answer(EventTypes.PayoutFailed, payout);
    }
}
