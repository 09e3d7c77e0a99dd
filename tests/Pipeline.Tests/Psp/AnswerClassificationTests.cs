using System.Net;
using Payments.Pipeline.Psp;

namespace Payments.Pipeline.Tests.Psp;

/// <summary>
/// The adapter's table from an HTTP answer to what may be concluded (invariant 3), one row per
/// answer the contract allows and a few it does not, on a first send and on a replay.
/// </summary>
public sealed class AnswerClassificationTests
{
    private const string Intent = """{"id":"pi_1","object":"payment_intent","amount":100,"currency":"usd","status":"succeeded","amount_capturable":0,"amount_received":100,"metadata":{"charge_id":"ch_1"}}""";
    private const string CardError = """{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"No."}}""";
    private const string Invalid = """{"error":{"type":"invalid_request_error","code":"payment_intent_unexpected_state","message":"No."}}""";
    private const string KeyMismatch = """{"error":{"type":"idempotency_error","message":"Other parameters."}}""";
    private const string ApiError = """{"error":{"type":"api_error","message":"Oops."}}""";

    [Theory]
    // status, body, replayed header, an earlier attempt of the call may have run, a read of one object → outcome
    [InlineData(200, Intent, false, false, false, "completed")]
    [InlineData(402, CardError, false, false, false, "declined")]
    [InlineData(400, Invalid, false, false, false, "refused")]
    [InlineData(400, Invalid, true, true, false, "refused (saved)")]
    [InlineData(400, Invalid, false, true, false, "unknown: refused_on_replay")]
    [InlineData(400, KeyMismatch, false, false, false, "unknown: idempotency_error")]
    [InlineData(409, ApiError, false, false, false, "unknown: idempotency_key_in_use")]
    [InlineData(500, ApiError, false, false, false, "unknown: psp_500")]
    [InlineData(500, ApiError, true, false, false, "unknown: psp_500 (settled)")]
    [InlineData(502, ApiError, false, false, false, "unknown: psp_502")]
    [InlineData(408, Invalid, false, false, false, "unknown: psp_408")]
    [InlineData(404, Invalid, false, false, false, "unknown: psp_404")]
    [InlineData(404, Invalid, false, false, true, "not found")]
    [InlineData(429, ApiError, false, false, false, "unavailable: rate_limited")]
    [InlineData(429, ApiError, false, true, false, "unknown: psp_429")]
    [InlineData(503, ApiError, false, false, false, "unavailable: psp_503")]
    [InlineData(503, ApiError, false, true, false, "unknown: psp_503")]
    [InlineData(401, ApiError, false, false, false, "unavailable: psp_authentication")]
    public void Answer_is_classified_by_what_it_proves(int status, string body, bool replayed, bool earlierMayHaveRun, bool readOfOne, string expected)
    {
        var outcome = PspClient.Classify((HttpStatusCode)status, body, root => new PspOutcome.Completed(PaymentIntent.Parse(root)),
            new PspClient.AnswerContext(readOfOne, replayed, earlierMayHaveRun));

        Assert.Equal(expected, Describe(outcome));
    }

    private static string Describe(PspOutcome outcome) => outcome switch
    {
        PspOutcome.Completed => "completed",
        PspOutcome.Declined => "declined",
        PspOutcome.Refused { Saved: true } => "refused (saved)",
        PspOutcome.Refused => "refused",
        PspOutcome.Indeterminate { KeySettled: true } i => $"unknown: {i.Reason} (settled)",
        PspOutcome.Indeterminate i => $"unknown: {i.Reason}",
        PspOutcome.Unavailable u => $"unavailable: {u.Reason}",
        PspOutcome.NotFound => "not found",
        _ => outcome.GetType().Name,
    };
}
