using System.Text.Json.Serialization;

namespace PspSimulator.Faults;

/// <summary>How webhook deliveries misbehave, and how non-2xx answers are retried.</summary>
internal sealed class WebhookFaults
{
    public const int DefaultRetryMaxAttempts = 6;
    public const int DefaultRetryBaseDelayMs = 500;
    public const int DefaultReorderMaxHoldMs = 5_000;

    [JsonPropertyName("duplicate_rate")]
    [ConfigurationKeyName("duplicate_rate")]
    public double DuplicateRate { get; set; }

    /// <summary>Deliveries in all of a duplicated event (at least 2; 1 is read as 2).</summary>
    [JsonPropertyName("duplicate_copies")]
    [ConfigurationKeyName("duplicate_copies")]
    public int? DuplicateCopies { get; set; }

    /// <summary>Delay before each copy's first attempt.</summary>
    [JsonPropertyName("delay_ms")]
    [ConfigurationKeyName("delay_ms")]
    public LatencyRange? DelayMs { get; set; }

    /// <summary>Share of events held back until a newer event of the same object has been delivered.</summary>
    [JsonPropertyName("reorder_rate")]
    [ConfigurationKeyName("reorder_rate")]
    public double ReorderRate { get; set; }

    /// <summary>How long a held event waits for a newer one before it goes out anyway.</summary>
    [JsonPropertyName("reorder_max_hold_ms")]
    [ConfigurationKeyName("reorder_max_hold_ms")]
    public int? ReorderMaxHoldMs { get; set; }

    [JsonPropertyName("drop_rate")]
    [ConfigurationKeyName("drop_rate")]
    public double DropRate { get; set; }

    /// <summary>Attempts per copy in all, the first included.</summary>
    [JsonPropertyName("retry_max_attempts")]
    [ConfigurationKeyName("retry_max_attempts")]
    public int? RetryMaxAttempts { get; set; }

    /// <summary>Wait before the second attempt; it doubles for each one after.</summary>
    [JsonPropertyName("retry_base_delay_ms")]
    [ConfigurationKeyName("retry_base_delay_ms")]
    public int? RetryBaseDelayMs { get; set; }
}
