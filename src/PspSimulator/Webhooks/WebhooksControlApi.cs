using Microsoft.AspNetCore.Http.HttpResults;
using PspSimulator.Maintenance;

namespace PspSimulator.Webhooks;

/// <summary><c>/_sim/webhooks/config</c> (where webhooks go, with which secrets) and <c>/_sim/webhooks/stats</c>.</summary>
internal static class WebhooksControlApi
{
    public static RouteGroupBuilder MapWebhookControl(this RouteGroupBuilder sim)
    {
        sim.MapGet("/webhooks/config", (WebhookEndpointHolder endpoints) => TypedResults.Ok(Describe(endpoints.Current))).WithName("GetWebhookConfig");
        sim.MapPost("/webhooks/config", Configure).WithName("SetWebhookConfig");
        sim.MapGet("/webhooks/stats", (WebhookStats stats) => TypedResults.Ok(stats.Snapshot())).WithName("GetWebhookStats");
        return sim;
    }

    private static Results<Ok<WebhookConfigDto>, BadRequest<ControlErrorDto>> Configure(
        WebhookConfigDto config,
        WebhookEndpointHolder endpoints,
        ILogger<WebhookEndpointHolder> logger)
    {
        if (!string.IsNullOrWhiteSpace(config.Url)
            && (!Uri.TryCreate(config.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            return TypedResults.BadRequest(new ControlErrorDto("url must be an absolute http or https URL.", []));
        }

        var secrets = string.Join(',', new[] { config.Secret }.Concat(config.Secrets ?? []).Where(s => !string.IsNullOrWhiteSpace(s)));
        var endpoint = WebhookEndpoint.From(config.Url, secrets);
        endpoints.Current = endpoint;
        Log.WebhookEndpointChanged(logger, endpoint.Url, endpoint.Secrets.Count);
        return TypedResults.Ok(Describe(endpoint));
    }

    private static WebhookConfigDto Describe(WebhookEndpoint endpoint) =>
        new(endpoint.Url?.ToString(), null, null, endpoint.Secrets.Count);
}
