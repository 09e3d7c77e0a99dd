using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using PspSimulator.Protocol;

namespace PspSimulator.Payouts;

/// <summary><c>/v1/payouts</c>: create, retrieve, search by <c>metadata['payout_id']</c>.</summary>
internal static partial class PayoutsApi
{
    private static readonly HashSet<string> NoParameters = new(StringComparer.Ordinal);
    private static readonly HashSet<string> SearchParameters = new(StringComparer.Ordinal) { "query", "limit" };

    public static RouteGroupBuilder MapPayouts(this RouteGroupBuilder v1)
    {
        v1.MapPost("/payouts", CreateAsync).WithName("CreatePayout");
        v1.MapGet("/payouts/search", SearchAsync).WithName("SearchPayouts");
        v1.MapGet("/payouts/{id}", RetrieveAsync).WithName("RetrievePayout");
        return v1;
    }

    private static async Task<Results<StripeResponse, ConnectionDropResult>> CreateAsync(
        HttpContext http,
        OperationRunner runner,
        PayoutStore store,
        CancellationToken cancellationToken)
    {
        var (parameters, error) = await FormParameters.ReadBodyAsync(http.Request, cancellationToken).ConfigureAwait(false);
        if (parameters is null)
        {
            return error!;
        }

        if (!CreatePayoutRequest.TryParse(parameters, out var request, out error))
        {
            return error;
        }

        return await runner.RunPostAsync(http, Operation.Payout, parameters, context => store.Create(request, context)).ConfigureAwait(false);
    }

    private static async Task<Results<StripeResponse, ConnectionDropResult>> RetrieveAsync(
        string id,
        HttpContext http,
        OperationRunner runner,
        PayoutStore store)
    {
        var (parameters, error) = FormParameters.FromQuery(http.Request.Query);
        error ??= ParameterRules.RejectUnknown(parameters!, NoParameters, allowMetadata: false);
        if (error is not null)
        {
            return error;
        }

        return await runner.RunGetAsync(http, Operation.Retrieve, () => store.Retrieve(id)).ConfigureAwait(false);
    }

    private static async Task<Results<StripeResponse, ConnectionDropResult>> SearchAsync(
        HttpContext http,
        OperationRunner runner,
        PayoutStore store)
    {
        var (parameters, error) = FormParameters.FromQuery(http.Request.Query);
        error ??= ParameterRules.RejectUnknown(parameters!, SearchParameters, allowMetadata: false);
        if (error is not null)
        {
            return error;
        }

        if (!parameters!.TryGet("query", out var query))
        {
            return ParameterRules.Missing("query");
        }

        var match = PayoutIdQuery().Match(query.Trim());
        if (!match.Success)
        {
            return StripeErrors.InvalidRequest(
                "The simulator searches payouts only by metadata['payout_id']:'…'.",
                "query",
                "parameter_invalid_string");
        }

        var payoutId = match.Groups["value"].Value;
        return await runner.RunGetAsync(http, Operation.Search, () => store.Search(payoutId)).ConfigureAwait(false);
    }

    [GeneratedRegex("""^metadata\[(?<q1>['"])payout_id\k<q1>\]:(?<q2>['"])(?<value>[^'"]*)\k<q2>$""", RegexOptions.CultureInvariant)]
    private static partial Regex PayoutIdQuery();
}
