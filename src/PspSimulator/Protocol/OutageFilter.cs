using PspSimulator.Faults;

namespace PspSimulator.Protocol;

/// <summary>
/// The outage window: every <c>/v1/</c> request is refused, before authentication, with a 503 or a
/// reset connection. The listening socket itself stays open because <c>/_sim/</c> must stay reachable.
/// </summary>
internal sealed class OutageFilter(FaultPlanHolder faults) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (faults.Current.InOutage(faults.NowMs, out var refuse))
        {
            return refuse ? ConnectionDropResult.Immediately : StripeErrors.Unavailable();
        }

        return await next(context).ConfigureAwait(false);
    }
}
