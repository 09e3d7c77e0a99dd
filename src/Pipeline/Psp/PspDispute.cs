using System.Text.Json;

namespace Payments.Pipeline.Psp;

/// <summary>The PSP's Dispute: a buyer's bank taking a captured payment back.</summary>
public sealed record PspDispute(string Id, string PaymentIntentId, long Amount, string Currency, long Fee, string Reason, string Status)
{
    public static PspDispute Parse(JsonElement element) => new(
        element.GetProperty("id").GetString() ?? throw new JsonException("Dispute without id"),
        element.GetProperty("payment_intent").GetString() ?? throw new JsonException("Dispute without payment_intent"),
        element.GetProperty("amount").GetInt64(),
        element.GetProperty("currency").GetString() ?? throw new JsonException("Dispute without currency"),
        element.GetProperty("fee").GetInt64(),
        element.GetProperty("reason").GetString() ?? "general",
        element.GetProperty("status").GetString() ?? throw new JsonException("Dispute without status"));
}
