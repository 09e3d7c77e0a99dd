using Payments.Ingress.Errors;
using Payments.Ingress.OpenApi;
using Payments.Pipeline.Merchants;
using Payments.Pipeline.Operators;

namespace Payments.Ingress.Auth;

/// <summary>
/// The platform operator's routes accept only the operator key. A merchant's key there is
/// recognised and refused <c>403 forbidden</c> (it is valid, for another API); anything else is
/// <c>401</c>, and counts as a failure of the client's address like an unknown merchant key
/// (<see cref="AuthFailureLimiter"/>). The operator key on merchant routes is no merchant's, so
/// those answer it <c>401</c>.
/// </summary>
internal static class OperatorAuthentication
{
    public static RouteGroupBuilder RequireOperator(this RouteGroupBuilder group)
    {
        group.WithMetadata(ApiCaller.Operator);
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (BearerKey.Of(http) is not { } key)
            {
                return ApiProblems.Unauthenticated();
            }

            var failures = http.RequestServices.GetRequiredService<AuthFailureLimiter>();
            if (failures.IsBlocked(http, out var wait))
            {
                http.Response.Headers.RetryAfter = AuthFailureLimiter.Seconds(wait);
                return ApiProblems.RateLimited("Too many requests with unknown keys from this address; retry after Retry-After seconds.");
            }

            if (await http.RequestServices.GetRequiredService<OperatorKeyStore>().IsOperatorKeyAsync(key, http.RequestAborted).ConfigureAwait(false))
            {
                return await next(context).ConfigureAwait(false);
            }

            if (await http.RequestServices.GetRequiredService<ApiKeyStore>().FindMerchantAsync(key, http.RequestAborted).ConfigureAwait(false) is not null)
            {
                return ApiProblems.Forbidden();
            }

            failures.Failed(http);
            return ApiProblems.Unauthenticated();
        });
        return group;
    }
}
