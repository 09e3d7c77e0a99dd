using System.Diagnostics.CodeAnalysis;
using PspSimulator.Protocol;

namespace PspSimulator.PaymentIntents;

/// <summary>The parameters of <c>POST /v1/payment_intents</c>, validated.</summary>
internal sealed record CreatePaymentIntentRequest(
    long Amount,
    string Currency,
    string PaymentMethod,
    string CaptureMethod,
    IReadOnlyDictionary<string, string> Metadata,
    string? Description)
{
    public const string Automatic = "automatic";
    public const string Manual = "manual";

    private static readonly HashSet<string> Allowed = new(StringComparer.Ordinal)
    {
        "amount", "currency", "payment_method", "confirm", "capture_method", "description",
    };

    public string? ChargeId => Metadata.GetValueOrDefault("charge_id");

    public static bool TryParse(
        FormParameters parameters,
        [NotNullWhen(true)] out CreatePaymentIntentRequest? request,
        [NotNullWhen(false)] out StripeResponse? error)
    {
        request = null;
        long? amount = null;
        error = ParameterRules.RejectUnknown(parameters, Allowed, allowMetadata: true)
            ?? ParameterRules.ReadAmount(parameters, "amount", required: true, out amount);
        if (error is not null)
        {
            return false;
        }

        error = ParameterRules.ReadCurrency(parameters, out var currency);
        if (error is not null)
        {
            return false;
        }

        if (!parameters.TryGet("payment_method", out var paymentMethod))
        {
            error = ParameterRules.Missing("payment_method");
            return false;
        }

        if (!paymentMethod.StartsWith("pm_", StringComparison.Ordinal) || paymentMethod.Length < 4)
        {
            error = StripeErrors.InvalidRequest("No such PaymentMethod: '" + paymentMethod + "'", "payment_method", "resource_missing");
            return false;
        }

        if (!parameters.TryGet("confirm", out var confirm))
        {
            error = ParameterRules.Missing("confirm");
            return false;
        }

        if (confirm != "true")
        {
            error = StripeErrors.InvalidRequest("The simulator only creates confirmed PaymentIntents: send confirm=true.", "confirm", "parameter_invalid_boolean");
            return false;
        }

        var captureMethod = parameters.TryGet("capture_method", out var method) ? method : Automatic;
        if (captureMethod is not Automatic and not Manual)
        {
            error = StripeErrors.InvalidRequest("Invalid capture_method: must be one of automatic or manual.", "capture_method", "parameter_invalid_string");
            return false;
        }

        parameters.TryGet("description", out var description);
        var metadata = parameters.Metadata();
        error = ParameterRules.ValidateMetadata(metadata);
        if (error is not null)
        {
            return false;
        }

        request = new CreatePaymentIntentRequest(amount!.Value, currency, paymentMethod, captureMethod, metadata, description);
        return true;
    }
}
