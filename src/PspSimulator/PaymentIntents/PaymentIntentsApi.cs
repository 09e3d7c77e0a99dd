using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using PspSimulator.Protocol;

namespace PspSimulator.PaymentIntents;

/// <summary><c>/v1/payment_intents</c>: create (confirmed), retrieve, search, capture, cancel.</summary>
internal static partial class PaymentIntentsApi
{
    private static readonly HashSet<string> CaptureParameters = new(StringComparer.Ordinal) { "amount_to_capture" };
    private static readonly HashSet<string> CancelParameters = new(StringComparer.Ordinal) { "cancellation_reason" };
    private static readonly HashSet<string> NoParameters = new(StringComparer.Ordinal);
    private static readonly HashSet<string> SearchParameters = new(StringComparer.Ordinal) { "query", "limit" };

    public static RouteGroupBuilder MapPaymentIntents(this RouteGroupBuilder v1)
    {
        v1.MapPost("/payment_intents", CreateAsync).WithName("CreatePaymentIntent");
        v1.MapGet("/payment_intents/search", SearchAsync).WithName("SearchPaymentIntents");
        v1.MapGet("/payment_intents/{id}", RetrieveAsync).WithName("RetrievePaymentIntent");
        v1.MapPost("/payment_intents/{id}/capture", CaptureAsync).WithName("CapturePaymentIntent");
        v1.MapPost("/payment_intents/{id}/cancel", CancelAsync).WithName("CancelPaymentIntent");
        return v1;
    }

    private static async Task<Results<StripeResponse, ConnectionDropResult>> CreateAsync(
        HttpContext http,
        OperationRunner runner,
        PaymentIntentStore store,
        CancellationToken cancellationToken)
    {
        var (parameters, error) = await FormParameters.ReadBodyAsync(http.Request, cancellationToken).ConfigureAwait(false);
        if (parameters is null)
        {
            return error!;
        }

        if (!CreatePaymentIntentRequest.TryParse(parameters, out var request, out error))
        {
            return error;
        }

        return await runner.RunPostAsync(http, Operation.Create, parameters, context => store.Create(request, context)).ConfigureAwait(false);
    }

    private static async Task<Results<StripeResponse, ConnectionDropResult>> CaptureAsync(
        string id,
        HttpContext http,
        OperationRunner runner,
        PaymentIntentStore store,
        CancellationToken cancellationToken)
    {
        var (parameters, error) = await FormParameters.ReadBodyAsync(http.Request, cancellationToken).ConfigureAwait(false);
        if (parameters is null)
        {
            return error!;
        }

        long? amountToCapture = null;
        error = ParameterRules.RejectUnknown(parameters, CaptureParameters, allowMetadata: false)
            ?? ParameterRules.ReadAmount(parameters, "amount_to_capture", required: false, out amountToCapture);
        if (error is not null)
        {
            return error;
        }

        return await runner.RunPostAsync(http, Operation.Capture, parameters, context => store.Capture(id, amountToCapture, context)).ConfigureAwait(false);
    }

    private static async Task<Results<StripeResponse, ConnectionDropResult>> CancelAsync(
        string id,
        HttpContext http,
        OperationRunner runner,
        PaymentIntentStore store,
        CancellationToken cancellationToken)
    {
        var (parameters, error) = await FormParameters.ReadBodyAsync(http.Request, cancellationToken).ConfigureAwait(false);
        if (parameters is null)
        {
            return error!;
        }

        error = ParameterRules.RejectUnknown(parameters, CancelParameters, allowMetadata: false);
        if (error is not null)
        {
            return error;
        }

        // A cancel through the API is the customer's request unless the caller names another of Stripe's reasons.
        var reason = parameters.TryGet("cancellation_reason", out var named) ? named : CancellationReasons.RequestedByCustomer;
        if (!CancellationReasons.CanBeRequested(reason))
        {
            return StripeErrors.InvalidRequest(
                "Invalid cancellation_reason: must be one of duplicate, fraudulent, requested_by_customer or abandoned.",
                "cancellation_reason",
                "parameter_invalid_string");
        }

        return await runner.RunPostAsync(http, Operation.Cancel, parameters, _ => store.Cancel(id, reason)).ConfigureAwait(false);
    }

    private static async Task<Results<StripeResponse, ConnectionDropResult>> RetrieveAsync(
        string id,
        HttpContext http,
        OperationRunner runner,
        PaymentIntentStore store)
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
        PaymentIntentStore store)
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

        var match = ChargeIdQuery().Match(query.Trim());
        if (!match.Success)
        {
            return StripeErrors.InvalidRequest(
                "The simulator searches only by metadata['charge_id']:'ch_…'.",
                "query",
                "parameter_invalid_string");
        }

        var chargeId = match.Groups["value"].Value;
        return await runner.RunGetAsync(http, Operation.Search, () => store.Search(chargeId)).ConfigureAwait(false);
    }

    [GeneratedRegex("""^metadata\[(?<q1>['"])charge_id\k<q1>\]:(?<q2>['"])(?<value>[^'"]*)\k<q2>$""", RegexOptions.CultureInvariant)]
    private static partial Regex ChargeIdQuery();
}
