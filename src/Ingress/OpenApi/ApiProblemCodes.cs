namespace Payments.Ingress.OpenApi;

/// <summary>
/// Every problem <c>code</c> the API answers, with its status and meaning, as the merchant API
/// contract's error table states them. The document groups a route's codes by status from here,
/// so a code cannot be listed under two statuses.
/// </summary>
internal static class ApiProblemCodes
{
    public static readonly IReadOnlyDictionary<string, (int Status, string Meaning)> All = new Dictionary<string, (int, string)>(StringComparer.Ordinal)
    {
        ["invalid_request"] = (400, "Bad input (with `errors` per field); nothing recorded."),
        ["malformed_json"] = (400, "The body is not parseable JSON or not UTF-8; nothing recorded."),
        ["idempotency_key_missing"] = (400, "No Idempotency-Key header; nothing recorded."),
        ["idempotency_key_invalid"] = (400, "Idempotency-Key over 255 characters, not printable ASCII, or sent twice; nothing recorded."),
        ["pan_not_allowed"] = (400, "Something looks like a raw card number; nothing recorded or logged."),
        ["unauthenticated"] = (401, "No key, or not a key of this API."),
        ["forbidden"] = (403, "A merchant key on an operator route."),
        ["not_found"] = (404, "Unknown id, or another merchant's."),
        ["duplicate_order"] = (409, "`order_id` already has a live charge (`charge_id` in the body)."),
        ["suspected_duplicate"] = (409, "Looks like a charge made moments ago (`charge_id` in the body); nothing recorded."),
        ["invalid_state"] = (409, "The object is not in a state that allows this."),
        ["operation_in_progress"] = (409, "The charge's previous PSP step is still being resolved; retry with the same key after Retry-After."),
        ["charge_disputed"] = (409, "The charge has an open dispute; nothing recorded or sent to the PSP."),
        ["endpoint_limit_reached"] = (409, "The merchant has as many webhook endpoints as allowed."),
        ["run_in_progress"] = (409, "This date is being reconciled now; nothing started."),
        ["discrepancy_not_open"] = (409, "Only an open discrepancy can be resolved."),
        ["payload_too_large"] = (413, "Body over 64 KiB; nothing recorded."),
        ["unsupported_media_type"] = (415, "The body is not application/json; nothing recorded."),
        ["idempotency_key_reused"] = (422, "Same key, different request; nothing changed."),
        ["amount_exceeds_capturable"] = (422, "More than was authorized; nothing changed."),
        ["refund_exceeds_captured"] = (422, "More than is left to refund; nothing changed."),
        ["amount_below_splits"] = (422, "The capture would leave less than the splits plus the fee; nothing recorded."),
        ["insufficient_available_balance"] = (422, "More than is available (`available` in the body); nothing recorded."),
        ["rate_limited"] = (429, "Over the request budget; retry after Retry-After."),
        ["outcome_unknown"] = (500, "The service cannot tell whether the request was recorded; retrying with the same key is safe."),
        ["overloaded"] = (503, "Too many requests in flight; nothing recorded, retry with the same key."),
        ["unavailable"] = (503, "The service cannot reach its database; nothing recorded, retry with the same key."),
    };
}
