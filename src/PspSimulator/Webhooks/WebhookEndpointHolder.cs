using Microsoft.Extensions.Options;

namespace PspSimulator.Webhooks;

/// <summary>The webhook endpoint, from settings at start and replaceable through <c>/_sim/webhooks/config</c>.</summary>
internal sealed class WebhookEndpointHolder(IOptions<SimulatorOptions> options)
{
    private volatile WebhookEndpoint _current = WebhookEndpoint.From(options.Value.WebhookUrl, options.Value.WebhookSecret);

    public WebhookEndpoint Current
    {
        get => _current;
        set => _current = value;
    }
}
