using Payments.Ingress.Auth;
using Payments.Ingress.Errors;
using Payments.Pipeline.Charges;

namespace Payments.Ingress.Charges;

/// <summary>
/// Refuses a new charge with <c>503 overloaded</c> before anything is done for it when this process
/// has no room for another (<see cref="ChargesInProgress.HasRoom"/>): before its key is looked up in
/// the database and before its body is read, parsed and checked. Far beyond capacity most requests
/// are refusals, and each refusal that had been authenticated and parsed first cost about two thirds
/// of an accepted charge's service time, time the accepted charges needed (perf/RESULTS.md, the
/// peak profile). While full, every caller with a key gets the same 503, whether the key is valid
/// or not (a request without one still gets 401); the merchant's own share is still checked after
/// authentication (<see cref="ChargeService"/>).
/// </summary>
internal static class ChargeAdmissionGate
{
    private sealed class GatedRoute
    {
        public static readonly GatedRoute Instance = new();
    }

    /// <summary>Marks the route that records new charges.</summary>
    public static RouteHandlerBuilder RefusedFirstWhenFull(this RouteHandlerBuilder route) =>
        route.WithMetadata(GatedRoute.Instance);

    /// <summary>Runs after routing has chosen the endpoint and before its filters (authentication, the body).</summary>
    public static WebApplication UseChargeAdmissionGate(this WebApplication app)
    {
        // Resolved per request, not here: building the host must not validate the charge options,
        // which fail the service at start (LeaseSettingsTests).
        app.Use(async (context, next) =>
        {
            // A request without a key is answered 401 as ever (the contract's first rule, and free);
            // one with a key that is not known gets the 503, since knowing costs the lookup.
            if (context.GetEndpoint()?.Metadata.GetMetadata<GatedRoute>() is not null
                && BearerKey.Of(context) is not null
                && !context.RequestServices.GetRequiredService<ChargesInProgress>().HasRoom)
            {
                context.Response.Headers.RetryAfter = "1";
                await ApiProblems.Overloaded().ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        return app;
    }
}
