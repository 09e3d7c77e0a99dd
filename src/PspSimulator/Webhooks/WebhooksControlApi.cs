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
        var urls = new List<Uri>();
        if (config.Urls is not null)
        {
            if (!string.IsNullOrWhiteSpace(config.Url))
            {
                return TypedResults.BadRequest(new ControlErrorDto("Give url or urls, not both.", []));
            }

            if (config.Urls.Count is 0 or > WebhookEndpoint.MaxUrls)
            {
                return TypedResults.BadRequest(new ControlErrorDto("urls must hold 1 to 8 URLs.", []));
            }

            foreach (var text in config.Urls)
            {
                if (!TryParse(text, out var url))
                {
                    return TypedResults.BadRequest(new ControlErrorDto("urls must be absolute http or https URLs.", [text ?? "null"]));
                }

                urls.Add(url);
            }
        }
        else if (!string.IsNullOrWhiteSpace(config.Url))
        {
            if (!TryParse(config.Url, out var url))
            {
                return TypedResults.BadRequest(new ControlErrorDto("url must be an absolute http or https URL.", []));
            }

            urls.Add(url);
        }

        var secrets = string.Join(',', new[] { config.Secret }.Concat(config.Secrets ?? []).Where(s => !string.IsNullOrWhiteSpace(s)));
        var endpoint = WebhookEndpoint.From(urls, secrets);
        endpoints.Current = endpoint;
        Log.WebhookEndpointChanged(logger, endpoint.Url, endpoint.Urls.Count, endpoint.Secrets.Count);
        return TypedResults.Ok(Describe(endpoint));
    }

    private static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? url) =>
        Uri.TryCreate(text, UriKind.Absolute, out url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    private static WebhookConfigDto Describe(WebhookEndpoint endpoint) =>
        new(endpoint.Url?.ToString(), null, null, endpoint.Secrets.Count) { Urls = [.. endpoint.Urls.Select(u => u.ToString())] };
}
