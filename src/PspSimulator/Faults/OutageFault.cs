using System.Text.Json.Serialization;

namespace PspSimulator.Faults;

/// <summary>Every <c>/v1/</c> request refused for a while, starting when the plan is set.</summary>
internal sealed class OutageFault
{
    public const string Mode503 = "503";
    public const string ModeRefuse = "refuse";

    [JsonPropertyName("duration_ms")]
    [ConfigurationKeyName("duration_ms")]
    public int DurationMs { get; set; }

    /// <summary><c>503</c> answers 503; <c>refuse</c> resets the connection without a byte.</summary>
    public string Mode { get; set; } = Mode503;
}
