using System.Text.Json.Serialization;

namespace PspSimulator.Faults;

/// <summary>How often each request fault has been applied under the current plan.</summary>
internal sealed record FaultCountsDto(
    int Timeout,
    int RateLimit,
    [property: JsonPropertyName("error_500_before")] int Error500Before,
    [property: JsonPropertyName("error_500_after")] int Error500After,
    int ResetAfter,
    int Decline,
    int GatewayError,
    int Tamper);
