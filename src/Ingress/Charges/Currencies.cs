namespace Payments.Ingress.Charges;

/// <summary>The ISO 4217 currencies this service accepts (the PSP's common settlement set).</summary>
internal static class Currencies
{
    private static readonly HashSet<string> Supported = new(StringComparer.Ordinal)
    {
        "USD", "EUR", "GBP", "JPY", "CAD", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF",
        "SGD", "HKD", "MXN", "BRL", "INR", "ZAR", "AED", "ILS", "KRW", "THB", "MYR", "RON", "BGN",
    };

    public static bool IsSupported(string code) => Supported.Contains(code);
}
