using System.Text.Json;

namespace Payments.Pipeline.Psp;

/// <summary>The parts of the PSP's PaymentIntent that decide our state.</summary>
public sealed record PaymentIntent(
    string Id,
    string Status,
    long Amount,
    string Currency,
    long AmountCapturable,
    long AmountReceived,
    string? ChargeId,
    string? FailureCode,
    string? FailureMessage,
    string? CancellationReason = null)
{
    /// <summary>The PSP's <c>cancellation_reason</c> of an authorization it let expire.</summary>
    public const string Expired = "automatic";

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
            OptionalString(element, "currency") ?? "",
            OptionalLong(element, "amount_capturable"),
            OptionalLong(element, "amount_received"),
            chargeId,
            failureCode,
            failureMessage,
            OptionalString(element, "cancellation_reason"));
    }

    /// <summary>
    /// Why this PaymentIntent cannot be the one made for our charge, or null when it can: a PSP
    /// contract violation (another charge's, another amount or currency, amounts no intent can
    /// have) is never applied.
    /// </summary>
    public string? MismatchWith(string chargeId, long amount, string currency, string? pspReference)
    {
        if (!string.Equals(ChargeId, chargeId, StringComparison.Ordinal))
        {
            return "metadata[charge_id] is not this charge's";
        }

        if (pspReference is not null && !string.Equals(Id, pspReference, StringComparison.Ordinal))
        {
            return "another PaymentIntent than the charge's";
        }

        if (Amount != amount || !string.Equals(Currency, currency, StringComparison.OrdinalIgnoreCase))
        {
            return "amount or currency differs from the charge's";
        }

        return AmountReceived < 0 || AmountCapturable < 0 || AmountReceived > Amount || AmountCapturable > Amount
            ? "amounts received or capturable outside the PaymentIntent's amount"
            : null;
    }

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long OptionalLong(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;
}
