using System.Text.Json;

namespace Payments.Pipeline.Psp;

/// <summary>The parts of the PSP's Payout that decide our payout's state.</summary>
public sealed record PspPayout(string Id, string Status, long Amount, string Currency, string Destination, string? FailureCode, string? PayoutId)
{
    public const string Pending = "pending";
    public const string InTransit = "in_transit";
    public const string Paid = "paid";
    public const string Failed = "failed";

    public static PspPayout Parse(JsonElement element)
    {
        string? payoutId = null;
        if (element.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("payout_id", out var id) && id.ValueKind == JsonValueKind.String)
        {
            payoutId = id.GetString();
        }

        return new PspPayout(
            element.GetProperty("id").GetString() ?? throw new JsonException("Payout without id"),
            element.GetProperty("status").GetString() ?? throw new JsonException("Payout without status"),
            element.GetProperty("amount").GetInt64(),
            element.GetProperty("currency").GetString() ?? throw new JsonException("Payout without currency"),
            element.GetProperty("destination").GetString() ?? throw new JsonException("Payout without destination"),
            element.TryGetProperty("failure_code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : null,
            payoutId);
    }

    /// <summary>Why this Payout cannot be the one made for our payout, or null when it can.</summary>
    public string? MismatchWith(string payoutId, long amount, string currency, string destination) =>
        !string.Equals(PayoutId, payoutId, StringComparison.Ordinal) ? "metadata[payout_id] is not this payout's"
        : Amount != amount ? "amount differs from the payout's"
        : !string.Equals(Currency, currency, StringComparison.OrdinalIgnoreCase) ? "currency differs from the payout's"
        : !string.Equals(Destination, destination, StringComparison.Ordinal) ? "destination differs from the payout's"
        : null;
}
