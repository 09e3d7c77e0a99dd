using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using PspSimulator.Disputes;
using PspSimulator.Events;
using PspSimulator.Faults;
using PspSimulator.Idempotency;
using PspSimulator.PaymentIntents;
using PspSimulator.Payouts;
using PspSimulator.Protocol;
using PspSimulator.Refunds;
using PspSimulator.Truth;
using PspSimulator.Webhooks;

namespace PspSimulator.Maintenance;

/// <summary><c>/_sim/health</c>, <c>/_sim/stats</c>, <c>/_sim/prune</c> and <c>/_sim/reset</c>.</summary>
internal static class MaintenanceApi
{
    public static RouteGroupBuilder MapMaintenance(this RouteGroupBuilder sim)
    {
        sim.MapGet("/health", () => TypedResults.Ok()).WithName("SimHealth");
        sim.MapGet("/stats", GetStats).WithName("SimStats");
        sim.MapPost("/prune", (Pruner pruner) => TypedResults.Ok(pruner.Prune())).WithName("SimPrune");
        sim.MapPost("/reset", (SimulatorReset reset) => TypedResults.Ok(reset.Reset())).WithName("SimReset");
        return sim;
    }

    private static Ok<StatsDto> GetStats(
        PaymentIntentStore intents,
        RefundStore refunds,
        DisputeStore disputes,
        PayoutStore payouts,
        EventStore events,
        MovementLog movements,
        IdempotencyStore idempotency,
        RequestCounters requests,
        FaultPlanHolder faults,
        WebhookStats webhooks,
        bool? gc)
    {
        if (gc == true)
        {
            // For the load run's memory figure: what is live, not what is merely uncollected.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }

        using var process = Process.GetCurrentProcess();
        return TypedResults.Ok(new StatsDto(
            intents.Count,
            refunds.Count,
            disputes.Count,
            events.Count,
            movements.Count,
            idempotency.Count,
            requests.Total,
            requests.InFlight,
            requests.MaxInFlight,
            faults.Current.Applied,
            webhooks.Snapshot(),
            GC.GetTotalMemory(forceFullCollection: false),
            process.WorkingSet64,
            ThreadPool.ThreadCount,
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            (long)GC.GetTotalPauseDuration().TotalMilliseconds,
            payouts.Count));
    }
}
