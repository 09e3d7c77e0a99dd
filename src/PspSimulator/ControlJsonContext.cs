using System.Text.Json.Serialization;
using PspSimulator.Clock;
using PspSimulator.Disputes;
using PspSimulator.Faults;
using PspSimulator.Maintenance;
using PspSimulator.Payouts;
using PspSimulator.Settlement;
using PspSimulator.Truth;
using PspSimulator.Webhooks;

namespace PspSimulator;

/// <summary>Source-generated JSON of the <c>/_sim/</c> control surface (snake_case).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(TruthDto))]
[JsonSerializable(typeof(ClockDto))]
[JsonSerializable(typeof(SettlementCloseDto))]
[JsonSerializable(typeof(WebhookConfigDto))]
[JsonSerializable(typeof(WebhookStatsDto))]
[JsonSerializable(typeof(StatsDto))]
[JsonSerializable(typeof(PruneResultDto))]
[JsonSerializable(typeof(ResetResultDto))]
[JsonSerializable(typeof(FaultCountsDto))]
[JsonSerializable(typeof(ControlErrorDto))]
[JsonSerializable(typeof(DisputeDto))]
[JsonSerializable(typeof(OpenDisputeRequest))]
[JsonSerializable(typeof(CloseDisputeRequest))]
[JsonSerializable(typeof(PayoutDto))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;
