using System.Text.Json.Serialization;

namespace PspSimulator.Faults;

/// <summary>
/// The fault plan, in one shape for configuration (<c>Simulator:Faults</c>) and for
/// <c>PUT /_sim/faults</c>. A member left out is no fault.
/// </summary>
internal sealed class FaultPlan
{
    /// <summary>
    /// Seed of every fault decision; absent means <c>Simulator:Seed</c>. Present, it also keys each
    /// decision by the request (operation, Idempotency-Key or path, n-th send) and each webhook decision
    /// by the event id instead of by arrival order (see <see cref="ActiveFaultPlan"/>).
    /// </summary>
    public int? Seed { get; set; }

    [JsonPropertyName("latency_ms")]
    [ConfigurationKeyName("latency_ms")]
    public LatencyRange? LatencyMs { get; set; }

    public TimeoutFault? Timeout { get; set; }

    [JsonPropertyName("error_500_before")]
    [ConfigurationKeyName("error_500_before")]
    public RequestFault? Error500Before { get; set; }

    [JsonPropertyName("error_500_after")]
    [ConfigurationKeyName("error_500_after")]
    public RequestFault? Error500After { get; set; }

    [JsonPropertyName("reset_after")]
    [ConfigurationKeyName("reset_after")]
    public RequestFault? ResetAfter { get; set; }

    [JsonPropertyName("rate_limit")]
    [ConfigurationKeyName("rate_limit")]
    public RequestFault? RateLimit { get; set; }

    [JsonPropertyName("gateway_error")]
    [ConfigurationKeyName("gateway_error")]
    public GatewayErrorFault? GatewayError { get; set; }

    public TamperFault? Tamper { get; set; }

    public DeclineFault? Decline { get; set; }

    public OutageFault? Outage { get; set; }

    public WebhookFaults? Webhooks { get; set; }

    public FaultPlan WithSeed(int seed) => new()
    {
        Seed = seed,
        LatencyMs = LatencyMs,
        Timeout = Timeout,
        Error500Before = Error500Before,
        Error500After = Error500After,
        ResetAfter = ResetAfter,
        RateLimit = RateLimit,
        GatewayError = GatewayError,
        Tamper = Tamper,
        Decline = Decline,
        Outage = Outage,
        Webhooks = Webhooks,
    };
}
