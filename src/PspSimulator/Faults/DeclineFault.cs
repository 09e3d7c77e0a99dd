using System.Text.Json.Serialization;

namespace PspSimulator.Faults;

/// <summary>Declines a share of the PaymentIntents that would otherwise succeed.</summary>
internal sealed class DeclineFault
{
    public double Rate { get; set; }

    /// <summary>Share of the declines that are <c>insufficient_funds</c>; the rest are <c>generic_decline</c>.</summary>
    [JsonPropertyName("insufficient_funds_share")]
    [ConfigurationKeyName("insufficient_funds_share")]
    public double InsufficientFundsShare { get; set; }

    /// <summary>Only <c>create</c> can decline; kept for symmetry with the other faults.</summary>
    public IReadOnlyList<string>? Operations { get; set; }

    [JsonPropertyName("max_count")]
    [ConfigurationKeyName("max_count")]
    public int? MaxCount { get; set; }

    /// <summary>Payment methods it may decline; absent means every one that would otherwise succeed, <c>pm_card_visa</c> included.</summary>
    [JsonPropertyName("payment_methods")]
    [ConfigurationKeyName("payment_methods")]
    public IReadOnlyList<string>? PaymentMethods { get; set; }
}
