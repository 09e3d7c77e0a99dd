using System.Text.Json;
using Payments.Ingress.Validation;
using Payments.Pipeline.Merchants;

namespace Payments.Ingress.Sellers;

/// <summary>
/// Validates a create-seller body (<c>{ "name": "…", "bank_account": "ba_…" }</c>) and computes
/// the request hash that binds its idempotency key. The rules are the sellers table's checks,
/// so a request that passes here is never refused by the database.
/// </summary>
internal static class SellerRequestReader
{
    public const int MaxNameLength = 200;

    public static readonly IReadOnlySet<string> Fields = new HashSet<string>(StringComparer.Ordinal) { "name", "bank_account" };

    internal abstract record Result
    {
        private Result()
        {
        }

        public sealed record Valid(string Name, string BankAccount, byte[] RequestHash) : Result;

        public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    }

    /// <summary>The body is an object of known fields only (the merchant POST filter checked it).</summary>
    public static Result Read(JsonElement root)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = RequiredString(root, "name", errors);
        if (name is not null && name.Length is 0 or > MaxNameLength)
        {
            errors["name"] = [$"Must be a string of 1 to {MaxNameLength} characters."];
        }

        var bankAccount = RequiredString(root, "bank_account", errors);
        if (bankAccount is not null && !BankAccounts.IsToken(bankAccount))
        {
            errors["bank_account"] = ["Must be a PSP bank account token (ba_ and 1 to 64 letters, digits or underscores)."];
        }

        if (errors.Count > 0)
        {
            return new Result.Invalid(errors);
        }

        return new Result.Valid(name!, bankAccount!, RequestHash.Of("POST", "/v1/sellers", writer =>
        {
            writer.WriteString("bank_account", bankAccount);
            writer.WriteString("name", name);
        }));
    }

    private static string? RequiredString(JsonElement root, string field, Dictionary<string, string[]> errors)
    {
        if (!root.TryGetProperty(field, out var element))
        {
            errors[field] = ["Required."];
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            errors[field] = ["Must be a string."];
            return null;
        }

        return element.GetString();
    }
}
