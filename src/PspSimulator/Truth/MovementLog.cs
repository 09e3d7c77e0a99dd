using System.Collections.Concurrent;
using PspSimulator.Clock;
using PspSimulator.Settlement;

namespace PspSimulator.Truth;

/// <summary>
/// The ground truth of money: every authorize, capture, refund, dispute and payout movement carried
/// out, appended where it is carried out (under the PaymentIntent's or the payout's lock). Every movement is also handed to
/// settlement, which decides which of them are balance transactions (<see cref="BalanceTransactionMapper"/>).
/// </summary>
internal sealed class MovementLog(SimulatorClock clock, SettlementLedger settlement)
{
    private readonly ConcurrentQueue<MoneyMovement> _movements = new();
    private long _sequence;

    public int Count => _movements.Count;

    public IEnumerable<MoneyMovement> All => _movements;

    public void Record(
        MovementKind kind,
        string paymentIntent,
        string? refund,
        long amount,
        string currency,
        string? idempotencyKey,
        string? chargeId,
        string? refundIdMetadata = null) =>
        Append(new MoneyMovement(
            Interlocked.Increment(ref _sequence),
            kind,
            paymentIntent,
            refund,
            amount,
            currency,
            idempotencyKey,
            chargeId,
            clock.UtcNow,
            RefundIdMetadata: refundIdMetadata));

    /// <summary>
    /// Records a dispute opening: the disputed amount (<c>dispute</c>, carrying the fee for settlement) and,
    /// if above 0, the fee (<c>dispute_fee</c>), at the same moment. One call, so the report's one
    /// <c>dispute</c> line and the truth's two movements can never disagree about the fee.
    /// </summary>
    public void RecordDisputeOpened(string paymentIntent, string dispute, long amount, long fee, string currency, string? chargeId)
    {
        var at = clock.UtcNow;
        Append(new MoneyMovement(Interlocked.Increment(ref _sequence), MovementKind.Dispute, paymentIntent, null, amount, currency, null, chargeId, at, dispute, fee));
        if (fee > 0)
        {
            Append(new MoneyMovement(Interlocked.Increment(ref _sequence), MovementKind.DisputeFee, paymentIntent, null, fee, currency, null, chargeId, at, dispute));
        }
    }

    /// <summary>Records the disputed amount given back when a dispute closes won.</summary>
    public void RecordDisputeReversal(string paymentIntent, string dispute, long amount, string currency, string? chargeId) =>
        Append(new MoneyMovement(
            Interlocked.Increment(ref _sequence),
            MovementKind.DisputeReversal,
            paymentIntent,
            null,
            amount,
            currency,
            null,
            chargeId,
            clock.UtcNow,
            dispute));

    /// <summary>
    /// Records a payout's amount leaving the balance (<c>payout</c>) or coming back (<c>payout_failure</c>).
    /// Both carry the key of the request that created the payout, so the truth counts a payout's whole
    /// life under the key that caused it.
    /// </summary>
    public void RecordPayout(MovementKind kind, string payout, long amount, string currency, string? idempotencyKey, string? payoutIdMetadata) =>
        Append(new MoneyMovement(
            Interlocked.Increment(ref _sequence),
            kind,
            null,
            null,
            amount,
            currency,
            idempotencyKey,
            null,
            clock.UtcNow,
            Payout: payout,
            PayoutIdMetadata: payoutIdMetadata));

    private void Append(MoneyMovement movement)
    {
        _movements.Enqueue(movement);
        settlement.Record(movement);
    }

    /// <summary>Forgets movements older than the cutoff; they are appended in about time order.</summary>
    public int Prune(DateTimeOffset cutoff)
    {
        var removed = 0;
        while (_movements.TryPeek(out var oldest) && oldest.At < cutoff && _movements.TryDequeue(out _))
        {
            removed++;
        }

        return removed;
    }

    /// <summary>Forgets everything; only <c>POST /_sim/reset</c> calls this.</summary>
    public void Clear() => _movements.Clear();
}
