using System.Text.Json;
using Payments.Ingress.Charges;

namespace Payments.Ingress.Validation;

internal static class BodyFields
{
    /// <summary>Reads an optional <c>amount</c> in minor units; an error goes into <paramref name="errors"/>.</summary>
    public static long? OptionalAmount(JsonElement root, Dictionary<string, string[]> errors)
    {
        if (!root.TryGetProperty("amount", out var element))
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var amount) || amount is < 1 or > ChargeRequestReader.MaxAmount)
        {
            errors["amount"] = [$"Must be an integer number of minor units from 1 to {ChargeRequestReader.MaxAmount}."];
            return null;
        }

        return amount;
    }

    /// <summary>Unknown fields are refused, so a misspelt one is not silently ignored.</summary>
    public static void RefuseUnknown(JsonElement root, IReadOnlySet<string> known, Dictionary<string, string[]> errors)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors["$"] = ["The body must be a JSON object."];
            return;
        }

        foreach (var property in root.EnumerateObject().Where(p => !known.Contains(p.Name)))
        {
            errors[property.Name] = ["Unknown field."];
        }
    }
}
