namespace Payments.Ingress.Validation;

internal static class IdempotencyKey
{
    public const string Header = "Idempotency-Key";

    /// <summary>1–255 printable ASCII characters, as the contract says.</summary>
    public static bool IsValid(string key) =>
        key.Length is >= 1 and <= 255 && key.All(c => c is >= ' ' and <= '~');
}
