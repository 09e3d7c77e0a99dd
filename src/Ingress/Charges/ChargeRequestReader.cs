using System.Buffers;
using System.Text;
using System.Text.Json;
using Payments.Pipeline.Charges;

namespace Payments.Ingress.Charges;

/// <summary>
/// Turns a create-charge body into a <see cref="ChargeIntent"/>: validates every field
/// against the contract and computes the request hash that binds the idempotency key. The
/// hash is over a canonical form (keys sorted, defaults applied), so the same request sent
/// with other whitespace or key order is the same request.
/// </summary>
internal static class ChargeRequestReader
{
    public const int MaxAmount = 99_999_999;

    private static readonly HashSet<string> KnownFields = new(StringComparer.Ordinal)
    {
        "amount", "currency", "payment_method", "capture", "order_id", "description", "metadata", "allow_duplicate",
    };

    internal abstract record Result
    {
        public sealed record Valid(ChargeIntent Intent) : Result;

        public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    }

    /// <param name="refusesSuspectedDuplicates">The merchant's policy: refuse what looks like a duplicate unless the body allows it.</param>
    public static Result Read(JsonElement root, string merchantId, string idempotencyKey, bool refusesSuspectedDuplicates = false)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors["$"] = ["The body must be a JSON object."];
            return new Result.Invalid(errors);
        }

        foreach (var property in root.EnumerateObject())
        {
            if (!KnownFields.Contains(property.Name))
            {
                errors[property.Name] = ["Unknown field."];
            }
        }

        long amount = 0;
        if (!root.TryGetProperty("amount", out var amountElement))
        {
            errors["amount"] = ["Required."];
        }
        else if (amountElement.ValueKind != JsonValueKind.Number || !amountElement.TryGetInt64(out amount) || amount is < 1 or > MaxAmount)
        {
            errors["amount"] = [$"Must be an integer number of minor units from 1 to {MaxAmount}."];
        }

        var currency = RequiredString(root, "currency", errors);
        if (currency is not null && !Currencies.IsSupported(currency))
        {
            errors["currency"] = ["Must be a supported upper-case ISO 4217 code (e.g. USD, EUR, GBP)."];
        }

        var paymentMethod = RequiredString(root, "payment_method", errors);
        if (paymentMethod is not null && !IsPaymentMethodToken(paymentMethod))
        {
            errors["payment_method"] = ["Must be a PSP payment method token (pm_…)."];
        }

        var capture = true;
        if (root.TryGetProperty("capture", out var captureElement))
        {
            if (captureElement.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                capture = captureElement.GetBoolean();
            }
            else
            {
                errors["capture"] = ["Must be true or false."];
            }
        }

        var allowDuplicate = false;
        if (root.TryGetProperty("allow_duplicate", out var allowElement))
        {
            if (allowElement.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                allowDuplicate = allowElement.GetBoolean();
            }
            else
            {
                errors["allow_duplicate"] = ["Must be true or false."];
            }
        }

        var orderId = OptionalString(root, "order_id", 128, errors);
        var description = OptionalString(root, "description", 1000, errors);
        var metadata = ReadMetadata(root, errors);

        if (errors.Count > 0)
        {
            return new Result.Invalid(errors);
        }

        var metadataJson = CanonicalMetadata(metadata);
        var hash = RequestHash(amount, currency!, paymentMethod!, capture, orderId, description, metadataJson, allowDuplicate);
        return new Result.Valid(new ChargeIntent(
            merchantId, idempotencyKey, hash, amount, currency!, paymentMethod!, capture, orderId, description, metadataJson,
            RefuseSuspectedDuplicate: refusesSuspectedDuplicates && !allowDuplicate));
    }

    private static bool IsPaymentMethodToken(string value) =>
        value.Length is > 3 and <= 253 && value.StartsWith("pm_", StringComparison.Ordinal)
        && value.Skip(3).All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string? RequiredString(JsonElement root, string name, Dictionary<string, string[]> errors)
    {
        if (!root.TryGetProperty(name, out var element))
        {
            errors[name] = ["Required."];
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            errors[name] = ["Must be a string."];
            return null;
        }

        return element.GetString();
    }

    private static string? OptionalString(JsonElement root, string name, int maxLength, Dictionary<string, string[]> errors)
    {
        if (!root.TryGetProperty(name, out var element))
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String || element.GetString() is not { Length: > 0 } value || value.Length > maxLength)
        {
            errors[name] = [$"Must be a string of 1 to {maxLength} characters."];
            return null;
        }

        return value;
    }

    private static SortedDictionary<string, string> ReadMetadata(JsonElement root, Dictionary<string, string[]> errors)
    {
        var metadata = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!root.TryGetProperty("metadata", out var element))
        {
            return metadata;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            errors["metadata"] = ["Must be an object of string values."];
            return metadata;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.Name.Length is 0 or > 40)
            {
                errors[$"metadata.{property.Name}"] = ["Keys are 1 to 40 characters."];
            }
            else if (property.Value.ValueKind != JsonValueKind.String || property.Value.GetString()!.Length > 500)
            {
                errors[$"metadata.{property.Name}"] = ["Values are strings of at most 500 characters."];
            }
            else
            {
                metadata[property.Name] = property.Value.GetString()!;
            }
        }

        if (metadata.Count > 20)
        {
            errors["metadata"] = ["At most 20 keys."];
        }

        return metadata;
    }

    private static string CanonicalMetadata(SortedDictionary<string, string> metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in metadata)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// The request's hash, keys in ordinal order; absent optional fields are written as null.
    /// <c>allow_duplicate</c> is written only when true, so the hashes of requests without it
    /// stay what they were before it existed (keys are kept 24 hours across a deployment).
    /// </summary>
    internal static byte[] RequestHash(long amount, string currency, string paymentMethod, bool capture, string? orderId, string? description, string metadataJson, bool allowDuplicate = false) =>
        Validation.RequestHash.Of("POST", "/v1/charges", writer =>
        {
            if (allowDuplicate)
            {
                writer.WriteBoolean("allow_duplicate", true);
            }

            writer.WriteNumber("amount", amount);
            writer.WriteBoolean("capture", capture);
            writer.WriteString("currency", currency);
            writer.WriteString("description", description);
            writer.WritePropertyName("metadata");
            writer.WriteRawValue(metadataJson, skipInputValidation: true);
            writer.WriteString("order_id", orderId);
            writer.WriteString("payment_method", paymentMethod);
        });
}
