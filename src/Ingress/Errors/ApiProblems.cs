using Microsoft.AspNetCore.Http.HttpResults;

namespace Payments.Ingress.Errors;

/// <summary>
/// Every error is RFC 9457 problem details with a stable <c>code</c> that callers branch on.
/// A code for a request refused before anything was recorded tells the caller a retry is safe.
/// </summary>
internal static class ApiProblems
{
    public static ProblemHttpResult Problem(int status, string code, string title, string? detail = null, IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = code };
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                all[key] = value;
            }
        }

        return TypedResults.Problem(detail: detail, statusCode: status, title: title, type: $"/problems/{code}", extensions: all);
    }

    public static ProblemHttpResult Unauthenticated() =>
        Problem(StatusCodes.Status401Unauthorized, "unauthenticated", "Missing or unknown API key.", "Send Authorization: Bearer <secret key>.");

    public static ProblemHttpResult NotFound(string what) =>
        Problem(StatusCodes.Status404NotFound, "not_found", $"No such {what}.");

    public static ProblemHttpResult MalformedJson(string detail) =>
        Problem(StatusCodes.Status400BadRequest, "malformed_json", "The body is not valid JSON.", detail);

    public static ProblemHttpResult InvalidRequest(IDictionary<string, string[]> errors) =>
        Problem(StatusCodes.Status400BadRequest, "invalid_request", "The request is invalid; nothing was recorded.", null,
            new Dictionary<string, object?>(StringComparer.Ordinal) { ["errors"] = errors });

    /// <summary>A list cursor that is not one of the caller's own objects: answered alike for another's and for none.</summary>
    public static ProblemHttpResult UnknownCursor(string parameter) =>
        InvalidRequest(new Dictionary<string, string[]>(StringComparer.Ordinal) { [parameter] = ["Must be the id of one of your own objects."] });

    public static ProblemHttpResult PanNotAllowed() =>
        Problem(StatusCodes.Status400BadRequest, "pan_not_allowed", "Raw card numbers are not accepted.",
            "Something in the body looks like a card number. Send a payment method token (pm_…) instead; nothing was recorded.");

    public static ProblemHttpResult PanNotAllowedOutsideBody() =>
        Problem(StatusCodes.Status400BadRequest, "pan_not_allowed", "Raw card numbers are not accepted.",
            "Something in the path, the query string or the Idempotency-Key looks like a card number; nothing was recorded.");

    public static ProblemHttpResult PayloadTooLarge(int limit) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "payload_too_large", "The body is too large.", $"At most {limit} bytes are accepted; nothing was recorded.");

    public static ProblemHttpResult UnsupportedMediaType() =>
        Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "The body must be JSON.",
            "Send Content-Type: application/json (charset utf-8, if any); nothing was recorded.");

    public static ProblemHttpResult IdempotencyKeyMissing() =>
        Problem(StatusCodes.Status400BadRequest, "idempotency_key_missing", "Idempotency-Key header is required.", "Every POST needs an Idempotency-Key; nothing was recorded.");

    public static ProblemHttpResult IdempotencyKeyInvalid() =>
        Problem(StatusCodes.Status400BadRequest, "idempotency_key_invalid", "Idempotency-Key is invalid.", "Use 1 to 255 printable ASCII characters; nothing was recorded.");

    public static ProblemHttpResult IdempotencyKeyReused() =>
        Problem(StatusCodes.Status422UnprocessableEntity, "idempotency_key_reused", "This Idempotency-Key was used for a different request.",
            "A key is bound to the first request made with it; nothing changed.");

    public static ProblemHttpResult DuplicateOrder(string chargeId) =>
        Problem(StatusCodes.Status409Conflict, "duplicate_order", "This order already has a live charge.", null,
            new Dictionary<string, object?>(StringComparer.Ordinal) { ["charge_id"] = chargeId });

    public static ProblemHttpResult SuspectedDuplicate(string chargeId) =>
        Problem(StatusCodes.Status409Conflict, "suspected_duplicate", "This looks like a charge made moments ago.",
            "Same payment method, amount and currency, a new Idempotency-Key and no order_id; nothing was recorded. Retry the first request's key, or send \"allow_duplicate\": true if this is a second charge.",
            new Dictionary<string, object?>(StringComparer.Ordinal) { ["charge_id"] = chargeId });

    public static ProblemHttpResult Overloaded() =>
        Problem(StatusCodes.Status503ServiceUnavailable, "overloaded", "Too many requests in flight; nothing was recorded.", "Retry with the same Idempotency-Key.");

    public static ProblemHttpResult Unavailable() =>
        Problem(StatusCodes.Status503ServiceUnavailable, "unavailable", "The service cannot record requests right now; nothing was recorded.", "Retry with the same Idempotency-Key.");

    /// <summary>The request's commit broke under way: it may be recorded. Never "nothing recorded".</summary>
    public static ProblemHttpResult OutcomeUnknown() =>
        Problem(StatusCodes.Status500InternalServerError, "outcome_unknown", "The service cannot tell whether the request was recorded.",
            "Retry with the same Idempotency-Key: that is safe, and answers the object if it was recorded.");

    public static ProblemHttpResult Forbidden() =>
        Problem(StatusCodes.Status403Forbidden, "forbidden", "This key is not allowed here.",
            "The platform operator's routes take the operator key; merchant keys are for the merchant API.");

    public static ProblemHttpResult ChargeDisputed() =>
        Problem(StatusCodes.Status409Conflict, "charge_disputed", "The charge has an open dispute.",
            "A disputed charge cannot be refunded until its dispute closes; nothing was recorded or sent to the PSP.");

    public static ProblemHttpResult AmountBelowSplits(long splits, long fee) =>
        Problem(StatusCodes.Status422UnprocessableEntity, "amount_below_splits", "The capture would leave less than the charge's splits.",
            $"A capture must cover the splits ({splits}) and the platform fee on the captured amount ({fee} on this one); nothing was recorded or sent to the PSP.");

    public static ProblemHttpResult InvalidSignature() =>
        Problem(StatusCodes.Status400BadRequest, "invalid_signature", "The webhook signature is missing, wrong or too old.");

    public static ProblemHttpResult InsufficientAvailableBalance(long available) =>
        Problem(StatusCodes.Status422UnprocessableEntity, "insufficient_available_balance", "The payout is more than is available.",
            $"{available} is available in this currency now; nothing was recorded.",
            new Dictionary<string, object?>(StringComparer.Ordinal) { ["available"] = available });

    /// <summary>Refused before anything was read or recorded; the caller sets <c>Retry-After</c>.</summary>
    public static ProblemHttpResult RateLimited(string detail) =>
        Problem(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests; nothing was recorded.", detail);
}
