using Payments.Ingress.Errors;
using Payments.Pipeline.Merchants;

namespace Payments.Ingress.Auth;

/// <summary>
/// Bearer-key authentication, applied once on the merchant API's route group. Keys are
/// looked up by their SHA-256; the key itself is never stored or logged.
/// </summary>
internal static class MerchantAuthentication
{
    private const string ItemKey = "payments.merchant";

    public static RouteGroupBuilder RequireMerchant(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var header = http.Request.Headers.Authorization.ToString();
            const string Scheme = "Bearer ";
            if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || header.Length == Scheme.Length)
            {
                return ApiProblems.Unauthenticated();
            }

            var store = http.RequestServices.GetRequiredService<MerchantStore>();
            var merchant = await store.FindByApiKeyAsync(header[Scheme.Length..].Trim(), http.RequestAborted).ConfigureAwait(false);
            if (merchant is null)
            {
                return ApiProblems.Unauthenticated();
            }

            http.Items[ItemKey] = merchant;
            return await next(context).ConfigureAwait(false);
        });
        return group;
    }

    public static Merchant Merchant(this HttpContext context) =>
        context.Items[ItemKey] as Merchant ?? throw new InvalidOperationException("The merchant filter did not run.");
}
