using System.Collections.Concurrent;
using PspSimulator.Clock;
using PspSimulator.Settlement;

namespace PspSimulator.Truth;

/// <summary>
/// The ground truth of money: every authorize, capture and refund carried out, appended where it is
/// carried out (under the PaymentIntent's lock). Captures and refunds also go to settlement.
/// </summary>
internal sealed class MovementLog(SimulatorClock clock, SettlementLedger settlement)
{
    private readonly ConcurrentQueue<MoneyMovement> _movements = new();
    private long _sequence;

    public int Count => _movements.Count;

    public IEnumerable<MoneyMovement> All => _movements;

    public void Record(MovementKind kind, string paymentIntent, string? refund, long amount, string currency, string? idempotencyKey, string? chargeId)
    {
        var movement = new MoneyMovement(
            Interlocked.Increment(ref _sequence),
            kind,
            paymentIntent,
            refund,
            amount,
            currency,
            idempotencyKey,
            chargeId,
            clock.UtcNow);
        _movements.Enqueue(movement);
        if (kind != MovementKind.Authorize)
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
