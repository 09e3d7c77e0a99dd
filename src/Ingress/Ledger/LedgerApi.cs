using Microsoft.AspNetCore.Http.HttpResults;
using Payments.Ingress.Auth;
using Payments.Ingress.Charges;
using Payments.Pipeline.Ledger;

namespace Payments.Ingress.Ledger;

/// <summary>The operator's view of the ledger.</summary>
internal static class LedgerApi
{
    public static IEndpointRouteBuilder MapLedger(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/v1/ledger").RequireOperator().MapGet("/balances", BalancesAsync).WithName("GetLedgerBalances");
        return routes;
    }

    private static async Task<ContentHttpResult> BalancesAsync(LedgerStore ledger, CancellationToken cancellationToken)
    {
        var balances = await ledger.BalancesJsonAsync(cancellationToken).ConfigureAwait(false);
        return JsonResults.List(balances, balances.Count);
    }
}
