using System.Text.Json;
using Payments.Ingress.Charges;
using Payments.Ingress.Validation;
using Payments.Pipeline.Payouts;

namespace Payments.Ingress.Payouts;

/// <summary>
/// Validates a payout body (<c>{ "seller": "sel_…", "currency": "USD", "amount": 12000 }</c>; no
/// seller pays the merchant itself, no amount pays out all that is available) and computes the
/// request hash that binds its idempotency key.
/// </summary>
internal static class PayoutRequestReader
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal) { "seller", "currency", "amount" };

    internal abstract record Result
    {
        public sealed record Valid(PayoutRequest Request) : Result;

        public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    }

    public static Result Read(JsonElement root, string merchantId, string idempotencyKey)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        BodyFields.RefuseUnknown(root, Known, errors);
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new Result.Invalid(errors);
        }

        string? seller = null;
        if (root.TryGetProperty("seller", out var sellerElement))
        {
            if (sellerElement.ValueKind != JsonValueKind.String || sellerElement.GetString() is not { Length: >= 1 and <= 64 } value)
            {
                errors["seller"] = ["Must be a seller id (sel_…)."];
            }
            else
            {
                seller = value;
            }
        }

        string? currency = null;
        if (!root.TryGetProperty("currency", out var currencyElement))
        {
            errors["currency"] = ["Required."];
        }
        else if (currencyElement.ValueKind != JsonValueKind.String || !Currencies.IsSupported(currencyElement.GetString()!))
        {
            errors["currency"] = ["Must be a supported upper-case ISO 4217 code."];
        }
        else
        {
            currency = currencyElement.GetString();
        }

        var amount = BodyFields.OptionalAmount(root, errors);
        if (errors.Count > 0)
        {
            return new Result.Invalid(errors);
        }

        var hash = RequestHash.Of("POST", "/v1/payouts", writer =>
        {
            writer.WriteString("seller", seller);
            writer.WriteString("currency", currency);
            if (amount is { } value)
            {
                writer.WriteNumber("amount", value);
            }
            else
            {
                writer.WriteNull("amount");
            }
        });
        return new Result.Valid(new PayoutRequest(merchantId, seller, currency!, amount, idempotencyKey, hash));
    }
}
