using Payments.Pipeline.Psp;
using WireMock.ResponseBuilders;

namespace Payments.Pipeline.Tests.Psp.Contract;

/// <summary>
/// The contract's answers that are retried within one call (409 key in use, 429, 500 saved or
/// not): how many times the adapter asks, that every attempt carries the same Idempotency-Key, and
/// what the last answer lets the caller conclude.
/// </summary>
public sealed class PspRetryContractTests : IDisposable
{
    private const string Create = "/v1/payment_intents";
    private const string ApiError = """{ "error": { "type": "api_error", "message": "An error occurred with our API." } }""";

    private readonly PspStub _psp = new(o => o.MaxRetries = 2);

    private static PaymentIntentRequest Charge => new("ch_1", "m_1", 4999, "usd", "pm_card_visa", Capture: true, Description: null);

    private static IResponseBuilder KeyInUse => PspStub.Json(409, PspStub.Error("idempotency_error", "idempotency_key_in_use",
        "There is currently another in-progress request using this Stripe Idempotency Key."));

    private static IResponseBuilder RateLimited(string retryAfter) =>
        PspStub.Json(429, PspStub.Error("rate_limit_error", "rate_limit")).WithHeader("Retry-After", retryAfter);

    [Fact]
    public async Task Key_in_use_409_is_retried_with_the_same_key_and_stays_indeterminate_with_the_key_unsettled()
    {
        _psp.Always("POST", Create, KeyInUse);

        var outcome = await _psp.Client.CreatePaymentIntentAsync(Charge);

        // The first request under the key is still running: it may yet charge, and nothing is saved.
        Assert.Equal(new PspOutcome.Indeterminate("idempotency_key_in_use", KeySettled: false), outcome);
        Assert.Equal(["ch_1:create", "ch_1:create", "ch_1:create"], _psp.IdempotencyKeys("POST", Create));
    }

    [Fact]
    public async Task Key_in_use_409_then_the_first_requests_200_is_completed_by_the_replay()
    {
        _psp.InTurn("POST", Create, KeyInUse, PspStub.Json(200, PspStub.PaymentIntent()).WithHeader("Idempotent-Replayed", "true"));

        var outcome = await _psp.Client.CreatePaymentIntentAsync(Charge);

        Assert.Equal("pi_1", Assert.IsType<PspOutcome.Completed>(outcome).Intent.Id);
        Assert.Equal(["ch_1:create", "ch_1:create"], _psp.IdempotencyKeys("POST", Create));
    }

    [Fact]
    public async Task Rate_limited_429_with_Retry_After_is_retried_with_the_same_key_and_then_unavailable_as_nothing_ran()
    {
        _psp.Always("POST", Create, RateLimited("0"));

        var outcome = await _psp.Client.CreatePaymentIntentAsync(Charge);

        // 429 is refused before anything runs: safe to send again later, under the same key.
        Assert.Equal(new PspOutcome.Unavailable("rate_limited"), outcome);
        Assert.Equal(["ch_1:create", "ch_1:create", "ch_1:create"], _psp.IdempotencyKeys("POST", Create));
    }

    [Fact]
    public async Task Rate_limited_429_waits_its_Retry_After_before_the_retry_that_succeeds()
    {
        // The backoff starts at 2 ms (ten retries cap it at 2 s): a wait of 1 s can only be the PSP's.
        using var psp = new PspStub(o =>
        {
            o.MaxRetries = 10;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(2);
        });
        psp.InTurn("POST", Create, RateLimited("1"), PspStub.Json(200, PspStub.PaymentIntent()));

        var outcome = await psp.Client.CreatePaymentIntentAsync(Charge);

        Assert.IsType<PspOutcome.Completed>(outcome);
        var sent = psp.Received("POST", Create);
        Assert.Equal(2, sent.Count);
        var waited = sent[1].DateTime - sent[0].DateTime;
        Assert.True(waited >= TimeSpan.FromSeconds(0.95), $"the retry came {waited.TotalMilliseconds} ms after the 429, before its Retry-After of 1 s");
    }

    [Fact]
    public async Task Rate_limited_429_asking_for_a_longer_wait_than_the_call_may_take_ends_the_call_at_once_as_unavailable()
    {
        // A lease guarding the call lasts LongestCall: a Retry-After of an hour must not stretch the call past it.
        _psp.Always("POST", Create, RateLimited("3600"));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var outcome = await _psp.Client.CreatePaymentIntentAsync(Charge);

        Assert.Equal(new PspOutcome.Unavailable("rate_limited"), outcome);
        Assert.True(clock.Elapsed < _psp.Options.LongestCall, $"the call took {clock.Elapsed.TotalMilliseconds} ms, longer than LongestCall");
        Assert.Single(_psp.Received("POST", Create));
    }

    [Fact]
    public async Task Rate_limited_429_after_an_unsaved_500_is_indeterminate_as_the_first_attempt_may_have_run()
    {
        _psp.InTurn("POST", Create, PspStub.Json(500, ApiError), RateLimited("0"));

        var outcome = await _psp.Client.CreatePaymentIntentAsync(Charge);

        Assert.True(new PspOutcome.Indeterminate("psp_429", KeySettled: false) == outcome,
            $"{outcome} after answers {string.Join(", ", _psp.Answered("POST", Create))}");
    }

    [Fact]
    public async Task Unsaved_500_without_Idempotent_Replayed_is_retried_with_the_same_key_and_leaves_the_key_unsettled()
    {
        _psp.Always("POST", Create, PspStub.Json(500, ApiError));

        var outcome = await _psp.Client.CreatePaymentIntentAsync(Charge);

        // A 500 that is not the PSP's saved answer may come from a gateway while the first request still runs.
        Assert.Equal(new PspOutcome.Indeterminate("psp_500", KeySettled: false), outcome);
        Assert.Equal(["ch_1:create", "ch_1:create", "ch_1:create"], _psp.IdempotencyKeys("POST", Create));
    }

    [Fact]
    public async Task Saved_500_with_Idempotent_Replayed_is_indeterminate_with_the_key_settled()
    {
        _psp.Always("POST", Create, PspStub.Json(500, ApiError).WithHeader("Idempotent-Replayed", "true"));

        var outcome = await _psp.Client.CreatePaymentIntentAsync(Charge);

        // The PSP's own saved 500: nothing under this key can run any more, so search can then prove the truth.
        Assert.Equal(new PspOutcome.Indeterminate("psp_500", KeySettled: true), outcome);
        Assert.All(_psp.IdempotencyKeys("POST", Create), key => Assert.Equal("ch_1:create", key));
    }

    [Fact]
    public async Task Unsaved_500_then_the_replayed_200_is_completed()
    {
        _psp.InTurn("POST", "/v1/refunds", PspStub.Json(500, ApiError), PspStub.Json(200, PspStub.Refund()).WithHeader("Idempotent-Replayed", "true"));

        var outcome = await _psp.Client.CreateRefundAsync("rf_1", "pi_1", 1000);

        Assert.Equal("re_1", Assert.IsType<PspOutcome.RefundCompleted>(outcome).Refund.Id);
        Assert.Equal(["rf_1:refund", "rf_1:refund"], _psp.IdempotencyKeys("POST", "/v1/refunds"));
    }

    [Fact]
    public async Task Refusal_400_after_an_unsaved_500_is_not_definite_unless_it_is_the_saved_answer()
    {
        var refusal = PspStub.Json(400, PspStub.Error("invalid_request_error", "payment_intent_unexpected_state"));
        _psp.InTurn("POST", "/v1/payment_intents/pi_1/capture", PspStub.Json(500, ApiError), refusal);

        var outcome = await _psp.Client.CapturePaymentIntentAsync("op_1", "pi_1", null);

        // The 500'd attempt may have captured; this 400 may be the refusal of capturing it twice.
        Assert.Equal(new PspOutcome.Indeterminate("refused_on_replay", KeySettled: false), outcome);
    }

    [Fact]
    public async Task Same_key_with_other_parameters_400_idempotency_error_is_indeterminate_and_not_retried()
    {
        _psp.Always("POST", Create, PspStub.Json(400, PspStub.Error("idempotency_error", message: "Keys for idempotent requests can only be used with the same parameters.")));

        var outcome = await _psp.Client.CreatePaymentIntentAsync(Charge);

        Assert.Equal(new PspOutcome.Indeterminate("idempotency_error", KeySettled: false), outcome);
        Assert.Single(_psp.Received("POST", Create));
    }

    [Fact]
    public async Task Payout_retries_carry_the_payouts_key_every_time()
    {
        _psp.InTurn("POST", "/v1/payouts", KeyInUse, PspStub.Json(500, ApiError), PspStub.Json(200, PspStub.Payout()));

        var outcome = await _psp.Client.CreatePayoutAsync("pay_1", 120000, "usd", "ba_ok");

        Assert.IsType<PspOutcome.PayoutCompleted>(outcome);
        Assert.Equal(["pay_1:payout", "pay_1:payout", "pay_1:payout"], _psp.IdempotencyKeys("POST", "/v1/payouts"));
    }

    public void Dispose() => _psp.Dispose();
}
