using Payments.Ingress.Errors;
using Payments.Ingress.OpenApi;
using Payments.Ingress.RateLimits;
using Payments.Pipeline.Merchants;

namespace Payments.Ingress.Auth;

/// <summary>
/// Bearer-key authentication and the merchant's request budget, applied once on the merchant
/// API's route groups. Keys are looked up by their SHA-256 on every request (see
/// <see cref="ApiKeyStore"/>); the key itself is never stored or logged. A client address that
/// keeps sending unknown keys is slowed down (<see cref="AuthFailureLimiter"/>); an authenticated
/// merchant over its budget gets <c>429</c> (<see cref="MerchantRateLimiter"/>).
/// </summary>
internal static class MerchantAuthentication
{
    private const string ItemKey = "payments.merchant";

    public static RouteGroupBuilder RequireMerchant(this RouteGroupBuilder group)
    {
        group.WithMetadata(ApiCaller.Merchant);
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var merchant = await AuthenticateAsync(http).ConfigureAwait(false);
            if (merchant is not Merchant found)
            {
                return merchant;
            }

            if (!http.RequestServices.GetRequiredService<MerchantRateLimiter>().TryTake(found.Id, out var wait))
            {
                http.Response.Headers.RetryAfter = AuthFailureLimiter.Seconds(wait);
                return ApiProblems.RateLimited("This merchant's request budget is spent for now; retry after Retry-After seconds with the same Idempotency-Key.");
            }

            http.Items[ItemKey] = found;
            return await next(context).ConfigureAwait(false);
        });
        return group;
    }

    public static Merchant Merchant(this HttpContext context) =>
        context.Items[ItemKey] as Merchant ?? throw new InvalidOperationException("The merchant filter did not run.");

    /// <summary>The key's merchant, or the refusal to answer (401, or 429 for an address that failed too often).</summary>
    internal static async Task<object> AuthenticateAsync(HttpContext http)
    {
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

        if (await http.RequestServices.GetRequiredService<ApiKeyStore>().FindMerchantAsync(key, http.RequestAborted).ConfigureAwait(false) is { } merchant)
        {
            return merchant;
        }

        failures.Failed(http);
        return ApiProblems.Unauthenticated();
    }
}
