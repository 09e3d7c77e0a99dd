using System.Diagnostics.CodeAnalysis;
using PspSimulator.Protocol;

namespace PspSimulator.Payouts;

/// <summary>The parameters of <c>POST /v1/payouts</c>, validated.</summary>
internal sealed record CreatePayoutRequest(long Amount, string Currency, string Destination, IReadOnlyDictionary<string, string> Metadata)
{
    private static readonly HashSet<string> Allowed = new(StringComparer.Ordinal) { "amount", "currency", "destination" };

    /// <summary>The service's own id of the payout, <c>metadata[payout_id]</c>, if sent.</summary>
    public string? PayoutId => Metadata.GetValueOrDefault("payout_id");

    public static bool TryParse(
        FormParameters parameters,
        [NotNullWhen(true)] out CreatePayoutRequest? request,
        [NotNullWhen(false)] out StripeResponse? error)
    {
        request = null;
        long? amount = null;
        var currency = string.Empty;
        error = ParameterRules.RejectUnknown(parameters, Allowed, allowMetadata: true)
            ?? ParameterRules.ReadAmount(parameters, "amount", required: true, out amount)
            ?? ParameterRules.ReadCurrency(parameters, out currency);
        if (error is not null)
        {
            return false;
        }

        if (!parameters.TryGet("destination", out var destination))
        {
            error = ParameterRules.Missing("destination");
            return false;
        }

        if (!destination.StartsWith(TestDestinations.Prefix, StringComparison.Ordinal) || destination.Length <= TestDestinations.Prefix.Length)
        {
            error = StripeErrors.InvalidRequest("No such external account: '" + destination + "'", "destination", "resource_missing");
            return false;
        }

        var metadata = parameters.Metadata();
        error = ParameterRules.ValidateMetadata(metadata);
        if (error is not null)
        {
            return false;
        }

        request = new CreatePayoutRequest(amount!.Value, currency, destination, metadata);
        return true;
    }
}
