using System.Diagnostics.CodeAnalysis;
using PspSimulator.Protocol;

namespace PspSimulator.Refunds;

/// <summary>The parameters of <c>POST /v1/refunds</c>, validated.</summary>
internal sealed record CreateRefundRequest(string PaymentIntent, long? Amount, IReadOnlyDictionary<string, string> Metadata)
{
    private static readonly HashSet<string> Allowed = new(StringComparer.Ordinal) { "payment_intent", "amount" };

    public static bool TryParse(
        FormParameters parameters,
        [NotNullWhen(true)] out CreateRefundRequest? request,
        [NotNullWhen(false)] out StripeResponse? error)
    {
        request = null;
        long? amount = null;
        error = ParameterRules.RejectUnknown(parameters, Allowed, allowMetadata: true)
            ?? ParameterRules.ReadAmount(parameters, "amount", required: false, out amount);
        if (error is not null)
        {
            return false;
        }

        if (!parameters.TryGet("payment_intent", out var paymentIntent) || paymentIntent.Length == 0)
        {
            error = ParameterRules.Missing("payment_intent");
            return false;
        }

        var metadata = parameters.Metadata();
        error = ParameterRules.ValidateMetadata(metadata);
        if (error is not null)
        {
            return false;
        }

        request = new CreateRefundRequest(paymentIntent, amount, metadata);
        return true;
    }
}
