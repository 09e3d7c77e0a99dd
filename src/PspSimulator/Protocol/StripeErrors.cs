using System.Globalization;
using System.Text.Json;
using PspSimulator.PaymentIntents;

namespace PspSimulator.Protocol;

/// <summary>Every error answer of the API, shaped as Stripe shapes them.</summary>
internal static class StripeErrors
{
    public static StripeResponse InvalidRequest(string message, string? param = null, string? code = null) =>
        Error(StatusCodes.Status400BadRequest, new ErrorBody("invalid_request_error", code, null, message, param, null));

    public static StripeResponse ResourceMissing(string message, string param) =>
        Error(StatusCodes.Status404NotFound, new ErrorBody("invalid_request_error", "resource_missing", null, message, param, null));

    public static StripeResponse UnexpectedState(string message, PaymentIntentDto? paymentIntent = null) =>
        Error(
            StatusCodes.Status400BadRequest,
            new ErrorBody("invalid_request_error", "payment_intent_unexpected_state", null, message, null, paymentIntent));

    /// <summary>A payout larger than the platform's balance in its currency; a refusal for state, so it is saved for the key.</summary>
    public static StripeResponse BalanceInsufficient(long amount, long available, string currency) =>
        Error(
            StatusCodes.Status400BadRequest,
            new ErrorBody(
                "invalid_request_error",
                "balance_insufficient",
                null,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"You have insufficient funds in your balance for this payout: {available} {currency} available, {amount} asked."),
                "amount",
                null));

    public static StripeResponse Unauthorized(string message) =>
        Error(StatusCodes.Status401Unauthorized, new ErrorBody("invalid_request_error", null, null, message, null, null));

    public static StripeResponse IdempotencyMismatch(string key) =>
        Error(
            StatusCodes.Status400BadRequest,
            new ErrorBody(
                "idempotency_error",
                null,
                null,
                "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '" + key + "' if you meant to execute a different request.",
                null,
                null));

    public static StripeResponse IdempotencyKeyInUse(string key) =>
        Error(
            StatusCodes.Status409Conflict,
            new ErrorBody(
                "idempotency_error",
                "idempotency_key_in_use",
                null,
                "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): " + key + ". Please try again later.",
                null,
                null));

    public static StripeResponse CardDeclined(string declineCode, PaymentIntentDto paymentIntent) =>
        Error(
            StatusCodes.Status402PaymentRequired,
            new ErrorBody("card_error", "card_declined", declineCode, DeclineMessage(declineCode), null, paymentIntent));

    public static StripeResponse ApiError() =>
        Error(
            StatusCodes.Status500InternalServerError,
            new ErrorBody("api_error", null, null, "An unknown error occurred while processing your request.", null, null));

    public static StripeResponse RateLimited() =>
        Error(
            StatusCodes.Status429TooManyRequests,
            new ErrorBody("rate_limit_error", "rate_limit", null, "Too many requests hit the API too quickly.", null, null));

    public static StripeResponse Unavailable() =>
        Error(
            StatusCodes.Status503ServiceUnavailable,
            new ErrorBody("api_error", null, null, "The service is temporarily unavailable.", null, null));

    /// <summary>What a gateway in front of the API answers (see <see cref="Faults.GatewayErrorFault"/>).</summary>
    public static StripeResponse Gateway(int statusCode) =>
        Error(
            statusCode,
            statusCode >= 500
                ? new ErrorBody("api_error", null, null, "Bad gateway.", null, null)
                : new ErrorBody("invalid_request_error", null, null, "Refused by the gateway.", null, null));

    public static string DeclineMessage(string declineCode) =>
        declineCode == DeclineCodes.InsufficientFunds ? "Your card has insufficient funds." : "Your card was declined.";

    private static StripeResponse Error(int statusCode, ErrorBody body) =>
        new(statusCode, JsonSerializer.SerializeToUtf8Bytes(new ErrorEnvelope(body), StripeJsonContext.Default.ErrorEnvelope));
}
