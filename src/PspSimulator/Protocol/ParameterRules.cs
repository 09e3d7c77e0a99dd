using System.Globalization;

namespace PspSimulator.Protocol;

/// <summary>
/// Validation shared by the endpoints. A failure here happens before the request starts executing,
/// so nothing is saved for its idempotency key.
/// </summary>
internal static class ParameterRules
{
    /// <summary>Stripe's own upper bound for an amount in minor units.</summary>
    public const long MaxAmount = 99_999_999;

    private const int MaxMetadataKeys = 50;
    private const int MaxMetadataKeyLength = 40;
    private const int MaxMetadataValueLength = 500;

    /// <summary>Answers 400 for a parameter the endpoint does not take, as Stripe does.</summary>
    public static StripeResponse? RejectUnknown(FormParameters parameters, IReadOnlySet<string> allowed, bool allowMetadata)
    {
        var metadataKeys = 0;
        foreach (var name in parameters.Names)
        {
            if (allowMetadata && name.StartsWith(FormParameters.MetadataPrefix, StringComparison.Ordinal) && name.EndsWith(']'))
            {
                metadataKeys++;
                continue;
            }

            if (!allowed.Contains(name))
            {
                return StripeErrors.InvalidRequest("Received unknown parameter: " + name, name, "parameter_unknown");
            }
        }

        return metadataKeys > MaxMetadataKeys
            ? StripeErrors.InvalidRequest("Metadata can have at most 50 keys.", "metadata", "parameter_invalid_string")
            : null;
    }

    public static StripeResponse? ValidateMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var (key, value) in metadata)
        {
            if (key.Length is 0 or > MaxMetadataKeyLength)
            {
                return StripeErrors.InvalidRequest("Metadata keys must be 1 to 40 characters.", "metadata[" + key + "]", "parameter_invalid_string");
            }

            if (value.Length > MaxMetadataValueLength)
            {
                return StripeErrors.InvalidRequest("Metadata values can be at most 500 characters.", "metadata[" + key + "]", "parameter_invalid_string");
            }
        }

        return null;
    }

    /// <summary>Reads a required or optional positive amount in minor units.</summary>
    public static StripeResponse? ReadAmount(FormParameters parameters, string name, bool required, out long? amount)
    {
        amount = null;
        if (!parameters.TryGet(name, out var text))
        {
            return required ? Missing(name) : null;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return StripeErrors.InvalidRequest("Invalid integer: " + text, name, "parameter_invalid_integer");
        }

        if (value is < 1 or > MaxAmount)
        {
            return StripeErrors.InvalidRequest("This value must be between 1 and 99999999.", name, "parameter_invalid_integer");
        }

        amount = value;
        return null;
    }

    /// <summary>Reads a required currency: a lower-case ISO 4217 code.</summary>
    public static StripeResponse? ReadCurrency(FormParameters parameters, out string currency)
    {
        currency = string.Empty;
        if (!parameters.TryGet("currency", out var value))
        {
            return Missing("currency");
        }

        currency = value;
        return currency.Length != 3 || !currency.All(char.IsAsciiLetterLower)
            ? StripeErrors.InvalidRequest("Invalid currency: " + currency + ". Use a lower-case ISO 4217 code.", "currency", "parameter_invalid_string")
            : null;
    }

    public static StripeResponse Missing(string name) =>
        StripeErrors.InvalidRequest("Missing required param: " + name + ".", name, "parameter_missing");
}
