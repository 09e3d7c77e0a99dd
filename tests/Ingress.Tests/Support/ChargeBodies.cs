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

    public static string NewKey() => $"key-{Guid.NewGuid():N}";
}
