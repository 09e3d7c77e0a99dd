using Microsoft.Extensions.Options;
using PspSimulator.Clock;
using PspSimulator.Disputes;
using PspSimulator.Events;
using PspSimulator.Idempotency;
using PspSimulator.PaymentIntents;
using PspSimulator.Payouts;
using PspSimulator.Refunds;
using PspSimulator.Settlement;
using PspSimulator.Truth;

namespace PspSimulator.Maintenance;

/// <summary>
/// Keeps memory bounded: closes past settlement days, then forgets idempotency keys past their 24 h and
/// everything else past <c>RetentionSeconds</c>, all by the simulator clock. One pass at a time.
/// </summary>
internal sealed class Pruner(
    SimulatorClock clock,
    IdempotencyStore idempotency,
    PaymentIntentStore intents,
    RefundStore refunds,
    DisputeStore disputes,
    PayoutStore payouts,
    EventStore events,
    MovementLog movements,
    SettlementLedger settlement,
    IOptions<SimulatorOptions> options,
    ILogger<Pruner> logger)
{
    private readonly Lock _gate = new();
    private readonly TimeSpan _retention = TimeSpan.FromSeconds(options.Value.RetentionSeconds);

    public PruneResultDto Prune()
    {
        lock (_gate)
        {
            settlement.AutoClose();
            var cutoff = clock.UtcNow - _retention;
            var result = new PruneResultDto(
                idempotency.Prune(),
                intents.Prune(cutoff.ToUnixTimeSeconds(), intent =>
                {
                    refunds.Forget(intent);
                    disputes.Forget(intent);
                }),
                events.Prune(cutoff.ToUnixTimeSeconds()),
                movements.Prune(cutoff),
                settlement.Prune(DateOnly.FromDateTime(cutoff.UtcDateTime)),
                payouts.Prune(cutoff.ToUnixTimeSeconds()));
            if (result.IdempotencyKeys + result.PaymentIntents + result.Events + result.Movements + result.SettlementDays + result.Payouts > 0)
            {
                Log.Pruned(logger, result.IdempotencyKeys, result.PaymentIntents, result.Events, result.Movements, result.SettlementDays, result.Payouts);
            }

            return result;
        }
    }
}
