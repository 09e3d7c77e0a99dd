using PspSimulator.Clock;
using PspSimulator.Disputes;
using PspSimulator.Events;
using PspSimulator.Faults;
using PspSimulator.Idempotency;
using PspSimulator.PaymentIntents;
using PspSimulator.Payouts;
using PspSimulator.Refunds;
using PspSimulator.Settlement;
using PspSimulator.Truth;
using PspSimulator.Webhooks;

namespace PspSimulator.Maintenance;

/// <summary>
/// <c>POST /_sim/reset</c>: a fresh simulator without a new process, for a chaos runner that replays
/// one seed after another on a long-lived simulator. Every object, key, movement, event, settlement
/// day and balance is forgotten, the fault plan is cleared, the clock is back to real time and the
/// webhook counters to zero; events not yet delivered (queued, held, delayed or retrying) are never
/// sent. Kept: the webhook URLs and secrets, and the settings. It is meant for a quiet simulator: a
/// request in flight during the reset may leave its object behind, or lose it.
/// </summary>
internal sealed class SimulatorReset(
    FaultPlanHolder faults,
    SimulatorClock clock,
    IdempotencyStore idempotency,
    PaymentIntentStore intents,
    RefundStore refunds,
    DisputeStore disputes,
    PayoutStore payouts,
    EventStore events,
    MovementLog movements,
    PlatformBalance balance,
    SettlementLedger settlement,
    WebhookDispatcher dispatcher,
    WebhookStats webhookStats,
    ILogger<SimulatorReset> logger)
{
    private readonly Lock _gate = new();

    public ResetResultDto Reset()
    {
        lock (_gate)
        {
            var forgotten = new ResetResultDto(
                intents.Count,
                refunds.Count,
                disputes.Count,
                payouts.Count,
                events.Count,
                movements.Count,
                idempotency.Count);

            // Faults first, so what still arrives meets no fault; events before their deliveries, so
            // every event the dispatcher may still hold is at or below the forgotten sequence.
            faults.Replace(new FaultPlan());
            dispatcher.Forget(events.Clear());
            webhookStats.Reset();
            idempotency.Clear();
            refunds.Clear();
            disputes.Clear();
            payouts.Clear();
            intents.Clear();
            movements.Clear();
            balance.Clear();
            clock.Reset();
            settlement.Clear();
            Log.SimulatorReset(logger, forgotten.PaymentIntents, forgotten.Events);
            return forgotten;
        }
    }
}
