namespace Payments.Ingress.Tests.Support;

internal static class ChargeBodies
{
    /// <summary>A card charge; <c>order_id</c> is left out when there is none (the contract refuses null there).</summary>
    public static object Visa(long amount = 4999, string? orderId = null, bool capture = true, string paymentMethod = "pm_card_visa")
    {
        var body = new Dictionary<string, object?>
        {
            ["amount"] = amount,
            ["currency"] = "USD",
            ["payment_method"] = paymentMethod,
            ["capture"] = capture,
        };
        if (orderId is not null)
        {
            body["order_id"] = orderId;
        }

        return body;
    }

    // Time-ordered: its timestamp holds hex letters, so no key is ever a run of decimal digits
    // (a random GUID is, about once in 3 million, and would be refused as a card number).
    public static string NewKey() => $"key-{Guid.CreateVersion7():N}";
}
