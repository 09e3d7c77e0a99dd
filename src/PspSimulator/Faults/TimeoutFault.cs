using System.Text.Json.Serialization;

namespace PspSimulator.Faults;

/// <summary>
/// Holds a request past the caller's patience. With <see cref="Execute"/> the request is then carried
/// out anyway and its real answer saved for the key (as Stripe would), after which the connection is
/// reset (or a 500 is answered and saved, with <see cref="Answer"/> = <c>"500"</c>). Without it the
/// request is never carried out, nothing is saved and the connection is reset after the hold.
/// </summary>
internal sealed class TimeoutFault
{
    public double Rate { get; set; }

    [JsonPropertyName("hold_ms")]
    [ConfigurationKeyName("hold_ms")]
    public int HoldMs { get; set; }

    public bool Execute { get; set; } = true;

    /// <summary><c>close</c> (the default) or <c>500</c>, when <see cref="Execute"/> is true.</summary>
    public string? Answer { get; set; }

    public IReadOnlyList<string>? Operations { get; set; }

    [JsonPropertyName("max_count")]
    [ConfigurationKeyName("max_count")]
    public int? MaxCount { get; set; }
}
