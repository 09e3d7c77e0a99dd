using Microsoft.AspNetCore.Http.HttpResults;
using Payments.Ingress.Auth;
using Payments.Ingress.Charges;
using Payments.Pipeline.Ledger;
using Payments.Ingress.OpenApi;

namespace Payments.Ingress.Ledger;

/// <summary>The operator's view of the ledger.</summary>
internal static class LedgerApi
{
    public static IEndpointRouteBuilder MapLedger(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/v1/ledger").WithTags("Ledger (operator)").RequireOperator().MapGet("/balances", BalancesAsync).WithName("GetLedgerBalances").Answers(ApiSchemas.ListOf(ApiSchemas.LedgerBalance));
        return routes;
    }

    private static async Task<ContentHttpResult> BalancesAsync(LedgerStore ledger, CancellationToken cancellationToken)
    {
        var balances = await ledger.BalancesJsonAsync(cancellationToken).ConfigureAwait(false);
        return JsonResults.List(balances, balances.Count);
    }
}
