using PspSimulator.Faults;
using PspSimulator.Webhooks;

namespace PspSimulator.Maintenance;

/// <summary>The answer of <c>GET /_sim/stats</c>: what the simulator holds and how hard it works.</summary>
internal sealed record StatsDto(
    int PaymentIntents,
    int Refunds,
    int Disputes,
    int Events,
    int Movements,
    int IdempotencyKeys,
    long RequestsTotal,
    long RequestsInFlight,
    long MaxRequestsInFlight,
    FaultCountsDto FaultsApplied,
    WebhookStatsDto Webhooks,
    long ManagedHeapBytes,
    long WorkingSetBytes,
    int ThreadPoolThreads,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    long GcPauseMs,
    int Payouts);
