using System.Text.Json.Serialization;

namespace PspSimulator.Faults;

/// <summary>
/// JSON of the fault plan. Unknown members are refused so that a misspelt fault fails loudly instead
/// of silently meaning "no fault"; members left out are omitted on the way back.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowTrailingCommas = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(FaultPlan))]
internal sealed partial class FaultPlanJsonContext : JsonSerializerContext;
