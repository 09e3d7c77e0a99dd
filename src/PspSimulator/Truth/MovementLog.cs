using System.Collections.Concurrent;
using PspSimulator.Clock;
using PspSimulator.Settlement;

namespace PspSimulator.Truth;

/// <summary>
/// The ground truth of money: every authorize, capture, refund and dispute movement carried out,
/// appended where it is carried out (under the PaymentIntent's lock). Captures and refunds also go to
/// settlement; dispute movements do not yet, because the report's <c>dispute</c> and
/// <c>dispute_reversal</c> categories (and the columns they fill) are not implemented.
/// </summary>
internal sealed class MovementLog(SimulatorClock clock, SettlementLedger settlement)
{
    private readonly ConcurrentQueue<MoneyMovement> _movements = new();
    private long _sequence;

    public int Count => _movements.Count;

    public IEnumerable<MoneyMovement> All => _movements;

    public void Record(MovementKind kind, string paymentIntent, string? refund, long amount, string currency, string? idempotencyKey, string? chargeId) =>
        Append(new MoneyMovement(
            Interlocked.Increment(ref _sequence),
            kind,
            paymentIntent,
            refund,
            amount,
            currency,
            idempotencyKey,
            chargeId,
            clock.UtcNow));

    /// <summary>Records a movement of a dispute; no request and so no idempotency key causes it.</summary>
    public void RecordDispute(MovementKind kind, string paymentIntent, string dispute, long amount, string currency, string? chargeId) =>
        Append(new MoneyMovement(
            Interlocked.Increment(ref _sequence),
            kind,
            paymentIntent,
            null,
            amount,
            currency,
            null,
            chargeId,
            clock.UtcNow,
            dispute));

    private void Append(MoneyMovement movement)
    {
        _movements.Enqueue(movement);
        if (movement.Kind is MovementKind.Capture or MovementKind.Refund)
        {
            settlement.Record(movement);
        }
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
}
