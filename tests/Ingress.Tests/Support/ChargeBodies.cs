namespace Payments.Ingress.Tests.Support;

internal static class ChargeBodies
{
    public static object Visa(long amount = 4999, string? orderId = null, bool capture = true, string paymentMethod = "pm_card_visa") =>
        new Dictionary<string, object?>
        {
            ["amount"] = amount,
            ["currency"] = "USD",
            ["payment_method"] = paymentMethod,
            ["capture"] = capture,
            ["order_id"] = orderId,
        };

    public static string NewKey() => $"key-{Guid.NewGuid():N}";
}
