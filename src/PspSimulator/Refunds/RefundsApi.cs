using Microsoft.AspNetCore.Http.HttpResults;
using PspSimulator.Protocol;

namespace PspSimulator.Refunds;

/// <summary><c>/v1/refunds</c>: create, retrieve, list by PaymentIntent.</summary>
internal static class RefundsApi
{
    private static readonly HashSet<string> NoParameters = new(StringComparer.Ordinal);
    private static readonly HashSet<string> ListParameters = new(StringComparer.Ordinal) { "payment_intent", "limit" };

    public static RouteGroupBuilder MapRefunds(this RouteGroupBuilder v1)
    {
        v1.MapPost("/refunds", CreateAsync).WithName("CreateRefund");
        v1.MapGet("/refunds", ListAsync).WithName("ListRefunds");
        v1.MapGet("/refunds/{id}", RetrieveAsync).WithName("RetrieveRefund");
        return v1;
    }

    private static async Task<Results<StripeResponse, ConnectionDropResult>> CreateAsync(
        HttpContext http,
        OperationRunner runner,
        RefundStore store,
        CancellationToken cancellationToken)
    {
        var (parameters, error) = await FormParameters.ReadBodyAsync(http.Request, cancellationToken).ConfigureAwait(false);
        if (parameters is null)
        {
            return error!;
        }

        if (!CreateRefundRequest.TryParse(parameters, out var request, out error))
        {
            return error;
        }

        return await runner.RunPostAsync(http, Operation.Refund, parameters, context => store.Create(request, context)).ConfigureAwait(false);
    }

    private static async Task<Results<StripeResponse, ConnectionDropResult>> RetrieveAsync(
        string id,
        HttpContext http,
        OperationRunner runner,
        RefundStore store)
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
        RefundStore store)
    {
        var (parameters, error) = FormParameters.FromQuery(http.Request.Query);
        error ??= ParameterRules.RejectUnknown(parameters!, ListParameters, allowMetadata: false);
        if (error is not null)
        {
            return error;
        }

        // The contract lists refunds by PaymentIntent only; without one there is nothing to list.
        if (!parameters!.TryGet("payment_intent", out var paymentIntent) || paymentIntent.Length == 0)
        {
            return ParameterRules.Missing("payment_intent");
        }

        return await runner.RunGetAsync(http, Operation.ListRefunds, () => store.ListFor(paymentIntent)).ConfigureAwait(false);
    }
}
