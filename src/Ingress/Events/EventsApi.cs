namespace Payments.Ingress.Events;

internal static class EventsApi
{
    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder routes) => routes;
}
