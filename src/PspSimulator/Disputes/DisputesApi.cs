using Microsoft.AspNetCore.Http.HttpResults;
using PspSimulator.Protocol;

namespace PspSimulator.Disputes;

/// <summary><c>/v1/disputes</c>: retrieve, list by PaymentIntent. Disputes are opened and moved only through <c>/_sim/</c>.</summary>
internal static class DisputesApi
{
    private static readonly HashSet<string> NoParameters = new(StringComparer.Ordinal);
    private static readonly HashSet<string> ListParameters = new(StringComparer.Ordinal) { "payment_intent", "limit" };

    public static RouteGroupBuilder MapDisputes(this RouteGroupBuilder v1)
    {
        v1.MapGet("/disputes", ListAsync).WithName("ListDisputes");
        v1.MapGet("/disputes/{id}", RetrieveAsync).WithName("RetrieveDispute");
        return v1;
    }

    private static async Task<Results<StripeResponse, ConnectionDropResult>> RetrieveAsync(
        string id,
        HttpContext http,
        OperationRunner runner,
        DisputeStore store)
    {
        var (parameters, error) = FormParameters.FromQuery(http.Request.Query);
        error ??= ParameterRules.RejectUnknown(parameters!, NoParameters, allowMetadata: false);
        if (error is not null)
        {
            return error;
        }

        return await runner.RunGetAsync(http, Operation.Retrieve, () => store.Retrieve(id)).ConfigureAwait(false);
    }

    private static async Task<Results<StripeResponse, ConnectionDropResult>> ListAsync(
        HttpContext http,
        OperationRunner runner,
        DisputeStore store)
    {
        var (parameters, error) = FormParameters.FromQuery(http.Request.Query);
        error ??= ParameterRules.RejectUnknown(parameters!, ListParameters, allowMetadata: false);
        if (error is not null)
        {
            return error;
        }

        // As for refunds, the contract lists disputes by PaymentIntent only.
        if (!parameters!.TryGet("payment_intent", out var paymentIntent) || paymentIntent.Length == 0)
        {
            return ParameterRules.Missing("payment_intent");
        }

        return await runner.RunGetAsync(http, Operation.ListDisputes, () => store.ListFor(paymentIntent)).ConfigureAwait(false);
    }
}
