using Microsoft.AspNetCore.Http.HttpResults;
using Payments.Ingress.Auth;
using Payments.Ingress.Charges;
using Payments.Ingress.Errors;
using Payments.Pipeline.Balances;
using Payments.Ingress.OpenApi;

namespace Payments.Ingress.Balances;

/// <summary>The merchant's balance and its sellers': available and pending per currency, read from the ledger.</summary>
internal static class BalancesApi
{
    public static IEndpointRouteBuilder MapBalances(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1").WithTags("Balances").RequireMerchant();
        group.MapGet("/balance", GetMerchantBalanceAsync).WithName("GetBalance").Answers(ApiSchemas.Balance);
        group.MapGet("/sellers/{id}/balance", GetSellerBalanceAsync).WithName("GetSellerBalance").Answers(ApiSchemas.Balance);
        return routes;
    }

    private static async Task<ContentHttpResult> GetMerchantBalanceAsync(HttpContext context, BalanceStore balances, CancellationToken cancellationToken) =>
        JsonResults.Object(await balances.MerchantBalanceJsonAsync(context.Merchant().Id, cancellationToken).ConfigureAwait(false));

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetSellerBalanceAsync(
        string id, HttpContext context, BalanceStore balances, CancellationToken cancellationToken)
    {
        var json = await balances.SellerBalanceJsonAsync(context.Merchant().Id, id, cancellationToken).ConfigureAwait(false);
        return json is not null ? JsonResults.Object(json) : ApiProblems.NotFound("seller");
    }
}
