using Payments.Ingress.Errors;
using Payments.Pipeline.Merchants;
using Payments.Pipeline.Operators;

namespace Payments.Ingress.Auth;

/// <summary>
/// The platform operator's routes accept only the operator key. A merchant's key there is
/// recognised and refused <c>403 forbidden</c> (it is valid, for another API); anything else is
/// <c>401</c>. The operator key on merchant routes is no merchant's, so those answer it <c>401</c>.
/// </summary>
internal static class OperatorAuthentication
{
    public static RouteGroupBuilder RequireOperator(this RouteGroupBuilder group)
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

            var key = header[Scheme.Length..].Trim();
            if (await http.RequestServices.GetRequiredService<OperatorKeyStore>().IsOperatorKeyAsync(key, http.RequestAborted).ConfigureAwait(false))
            {
                return await next(context).ConfigureAwait(false);
            }

            return await http.RequestServices.GetRequiredService<MerchantStore>().FindByApiKeyAsync(key, http.RequestAborted).ConfigureAwait(false) is not null
                ? ApiProblems.Forbidden()
                : ApiProblems.Unauthenticated();
        });
        return group;
    }
}
