using System.ComponentModel.DataAnnotations;

namespace PspSimulator.Webhooks;

/// <summary>Settings of webhook delivery, section <c>Simulator:Webhooks</c> (the URL and secret are in <c>Simulator</c>).</summary>
internal sealed class WebhookDeliveryOptions
{
    public const string SectionName = "Simulator:Webhooks";

    /// <summary>Events waiting for dispatch; beyond this an event is not delivered (and counted).</summary>
    [Range(1, 10_000_000)]
    public int QueueCapacity { get; set; } = 100_000;

    /// <summary>HTTP deliveries under way at once; waits and retry delays do not count.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentDeliveries { get; set; } = 64;

    /// <summary>Patience for one delivery attempt.</summary>
    [Range(100, 600_000)]
    public int AttemptTimeoutMs { get; set; } = 10_000;
}
