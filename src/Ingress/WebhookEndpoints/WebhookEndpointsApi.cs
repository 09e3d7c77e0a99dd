namespace Payments.Ingress.WebhookEndpoints;

internal static class WebhookEndpointsApi
{
    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder routes) => routes;
}
