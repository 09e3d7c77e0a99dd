using System.ComponentModel.DataAnnotations;

namespace Payments.Pipeline.Outbox;

/// <summary>Merchant webhook endpoints: where they may point and how many a merchant may have.</summary>
internal sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Accepts http and non-public addresses (loopback, private networks) as endpoints and
    /// connects to them. For development and tests only: on, a merchant can make the service
    /// send requests into the network it runs in.
    /// </summary>
    public bool AllowInsecureUrls { get; set; }

    /// <summary>Enabled endpoints one merchant may have; each one multiplies every event's deliveries.</summary>
    [Range(1, 1_000)]
    public int MaxEndpointsPerMerchant { get; set; } = 16;
}
