using System.Text.Json.Serialization;

namespace PspSimulator.Faults;

/// <summary>A fault that hits a share of requests: <c>error_500_before</c>, <c>error_500_after</c>, <c>reset_after</c>, <c>rate_limit</c>.</summary>
internal sealed class RequestFault
{
    /// <summary>Share of the matching requests that get the fault, 0 to 1.</summary>
    public double Rate { get; set; }

    /// <summary>Operations it applies to; absent means every POST that moves money.</summary>
    public IReadOnlyList<string>? Operations { get; set; }

    /// <summary>Apply at most this many times, then stop; absent means no limit.</summary>
    [JsonPropertyName("max_count")]
    [ConfigurationKeyName("max_count")]
    public int? MaxCount { get; set; }
}
