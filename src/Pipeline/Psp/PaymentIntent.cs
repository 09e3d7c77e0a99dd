using System.Text.Json;

namespace Payments.Pipeline.Psp;

/// <summary>The parts of the PSP's PaymentIntent that decide our state.</summary>
public sealed record PaymentIntent(
    string Id,
    string Status,
    long Amount,
    long AmountCapturable,
    long AmountReceived,
    string? ChargeId,
    string? FailureCode,
    string? FailureMessage)
{
    public static PaymentIntent Parse(JsonElement element)
    {
        string? failureCode = null;
        string? failureMessage = null;
        if (element.TryGetProperty("last_payment_error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            failureCode = OptionalString(error, "decline_code") ?? OptionalString(error, "code");
            failureMessage = OptionalString(error, "message");
        }

        string? chargeId = null;
        if (element.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
        {
            chargeId = OptionalString(metadata, "charge_id");
        }

        return new PaymentIntent(
            element.GetProperty("id").GetString() ?? throw new JsonException("PaymentIntent without id"),
            element.GetProperty("status").GetString() ?? throw new JsonException("PaymentIntent without status"),
            element.GetProperty("amount").GetInt64(),
            OptionalLong(element, "amount_capturable"),
            OptionalLong(element, "amount_received"),
            chargeId,
            failureCode,
            failureMessage);
    }

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long OptionalLong(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;
}
