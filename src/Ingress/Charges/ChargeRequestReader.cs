using System.Buffers;
using System.Text;
using System.Text.Json;
using Payments.Pipeline.Charges;
using Payments.Pipeline.Merchants;
using Payments.Pipeline.Sellers;

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
        "amount", "currency", "payment_method", "capture", "order_id", "description", "metadata", "allow_duplicate", "splits",
    };

    private static readonly HashSet<string> SplitFields = new(StringComparer.Ordinal) { "seller", "amount" };

    internal abstract record Result
    {
        public sealed record Valid(ChargeIntent Intent) : Result;

        public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    }

    /// <summary>
    /// The merchant's policy decides on suspected duplicates (refused unless the body allows them)
    /// and its fee how much of the amount the splits may take. Whether the splits' sellers are the
    /// merchant's is for the caller to ask the database.
    /// </summary>
    public static Result Read(JsonElement root, Merchant merchant, string idempotencyKey)
    {
        ArgumentNullException.ThrowIfNull(merchant);
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
        var splits = ReadSplits(root, errors);
        var splitTotal = splits.Sum(s => s.Amount);
        if (splitTotal > 0 && !errors.ContainsKey("amount") && splitTotal > SplitRules.Room(merchant, amount))
        {
            errors["splits"] = [$"The splits sum to {splitTotal}; at most {SplitRules.Room(merchant, amount)} (the amount less the platform fee of {merchant.FeeFor(amount)}) can be split."];
        }

        if (errors.Count > 0)
        {
            return new Result.Invalid(errors);
        }

        var metadataJson = CanonicalMetadata(metadata);
        var hash = RequestHash(amount, currency!, paymentMethod!, capture, orderId, description, metadataJson, allowDuplicate, splits);
        return new Result.Valid(new ChargeIntent(
            merchant.Id, idempotencyKey, hash, amount, currency!, paymentMethod!, capture, orderId, description, metadataJson,
            RefuseSuspectedDuplicate: merchant.RefusesSuspectedDuplicates && !allowDuplicate, Splits: splits.Count > 0 ? splits : null));
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

    /// <summary>
    /// <c>splits</c>: at most ten objects <c>{ "seller": "sel_…", "amount": n }</c>, n ≥ 1, each
    /// seller once. Every problem is listed under <c>splits</c>; an empty list is no splits.
    /// </summary>
    private static List<ChargeSplit> ReadSplits(JsonElement root, Dictionary<string, string[]> errors)
    {
        var splits = new List<ChargeSplit>();
        if (!root.TryGetProperty("splits", out var element))
        {
            return splits;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            errors["splits"] = [$"Must be a list of at most {SplitRules.MaxPerCharge} objects {{ \"seller\": \"sel_…\", \"amount\": n }}."];
            return splits;
        }

        var problems = new List<string>();
        if (element.GetArrayLength() > SplitRules.MaxPerCharge)
        {
            problems.Add($"At most {SplitRules.MaxPerCharge} splits.");
        }

        var index = 0;
        var sellers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var split in element.EnumerateArray())
        {
            var at = $"splits[{index++}]";
            if (split.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{at}: must be an object {{ \"seller\": \"sel_…\", \"amount\": n }}.");
                continue;
            }

            problems.AddRange(split.EnumerateObject().Where(p => !SplitFields.Contains(p.Name)).Select(p => $"{at}.{p.Name}: unknown field."));
            string? seller = null;
            if (!split.TryGetProperty("seller", out var sellerElement) || sellerElement.ValueKind != JsonValueKind.String
                || sellerElement.GetString() is not { Length: > 0 and <= 255 } named)
            {
                problems.Add($"{at}.seller: must be the id of one of your sellers (sel_…).");
            }
            else if (!sellers.Add(named))
            {
                problems.Add($"{at}.seller: {named} has a split already; each seller at most once.");
            }
            else
            {
                seller = named;
            }

            long amount = 0;
            if (!split.TryGetProperty("amount", out var amountElement) || amountElement.ValueKind != JsonValueKind.Number
                || !amountElement.TryGetInt64(out amount) || amount is < 1 or > MaxAmount)
            {
                problems.Add($"{at}.amount: must be an integer number of minor units from 1 to {MaxAmount}.");
            }
            else if (seller is not null)
            {
                splits.Add(new ChargeSplit(seller, amount));
            }
        }

        if (problems.Count > 0)
        {
            errors["splits"] = [.. problems];
            splits.Clear();
        }

        return splits;
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
    /// <c>allow_duplicate</c> is written only when true and <c>splits</c> only when there are some
    /// (in the request's order), so the hashes of requests without them stay what they were
    /// before they existed (keys are kept 24 hours across a deployment).
    /// </summary>
    internal static byte[] RequestHash(
        long amount, string currency, string paymentMethod, bool capture, string? orderId, string? description, string metadataJson,
        bool allowDuplicate = false, IReadOnlyList<ChargeSplit>? splits = null) =>
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
            if (splits is { Count: > 0 })
            {
                writer.WriteStartArray("splits");
                foreach (var split in splits)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("amount", split.Amount);
                    writer.WriteString("seller", split.Seller);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }
        });
}
