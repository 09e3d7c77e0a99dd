using System.Text.Json;

namespace Payments.Pipeline.Psp;

/// <summary>The parts of the PSP's Refund that decide our refund's state.</summary>
public sealed record PspRefund(string Id, string Status, long Amount, string? PaymentIntentId, string? RefundId)
{
    public static PspRefund Parse(JsonElement element)
    {
        string? refundId = null;
        if (element.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("refund_id", out var id) && id.ValueKind == JsonValueKind.String)
        {
            refundId = id.GetString();
        }

        return new PspRefund(
            element.GetProperty("id").GetString() ?? throw new JsonException("Refund without id"),
            element.GetProperty("status").GetString() ?? throw new JsonException("Refund without status"),
            element.GetProperty("amount").GetInt64(),
            element.TryGetProperty("payment_intent", out var pi) && pi.ValueKind == JsonValueKind.String ? pi.GetString() : null,
            refundId);
    }

    /// <summary>Why this Refund cannot be the one made for our refund, or null when it can.</summary>
    public string? MismatchWith(string refundId, string paymentIntentId, long amount) =>
        !string.Equals(RefundId, refundId, StringComparison.Ordinal) ? "metadata[refund_id] is not this refund's"
        : !string.Equals(PaymentIntentId, paymentIntentId, StringComparison.Ordinal) ? "the refund of another PaymentIntent"
        : Amount != amount ? "amount differs from the refund's"
        : null;
}
