using Payments.Pipeline.Psp;
using Payments.Testing;
using WireMock.ResponseBuilders;

namespace Payments.Pipeline.Tests.Psp.Contract;

/// <summary>
/// Answers the contract does not allow, or that break on the way: an unreadable or cut 200, a 200
/// about another object, a connection dropped after the headers, headers that never come. None of
/// them may read as a definite outcome of our request, since the request may have run.
/// </summary>
public sealed class PspBrokenAnswerContractTests : IDisposable
{
    private const string Create = "/v1/payment_intents";

    private readonly PspStub _psp = new(o => o.MaxRetries = 1);

    private static PaymentIntentRequest Charge => new("ch_1", "m_1", 4999, "usd", "pm_card_visa", Capture: true, Description: null);

    [Fact]
    public async Task Ok_200_with_a_malformed_body_is_indeterminate_not_completed()
    {
        // WireMock's MALFORMED_RESPONSE_CHUNK: the status and headers, then half the body followed by random bytes.
        _psp.Always("POST", Create, PspStub.Json(200, PspStub.PaymentIntent()).WithFault(FaultType.MALFORMED_RESPONSE_CHUNK));

        var outcome = await _psp.Client.CreatePaymentIntentAsync(Charge);

        Assert.Equal(new PspOutcome.Indeterminate("unreadable_answer", KeySettled: false), outcome);
        Assert.Single(_psp.Received("POST", Create));
    }

    [Fact]
    public async Task Ok_200_with_a_truncated_body_is_indeterminate_not_completed()
    {
        var whole = PspStub.PaymentIntent();
        _psp.Always("POST", Create, PspStub.Json(200, whole[..(whole.Length / 2)]));

        var outcome = await _psp.Client.CreatePaymentIntentAsync(Charge);

        Assert.Equal(new PspOutcome.Indeterminate("unreadable_answer", KeySettled: false), outcome);
    }

    [Fact]
    public async Task Ok_200_with_an_empty_body_is_indeterminate_not_completed()
    {
        _psp.Always("POST", "/v1/payouts", PspStub.Json(200, ""));

        var outcome = await _psp.Client.CreatePayoutAsync("pay_1", 120000, "usd", "ba_ok");

        Assert.Equal(new PspOutcome.Indeterminate("unreadable_answer", KeySettled: false), outcome);
    }

    [Fact]
    public async Task Ok_200_with_json_that_is_no_PaymentIntent_is_indeterminate_not_completed()
    {
        _psp.Always("POST", Create, PspStub.Json(200, """{ "object": "payment_intent", "id": 42, "status": null }"""));

        var outcome = await _psp.Client.CreatePaymentIntentAsync(Charge);

        Assert.Equal(new PspOutcome.Indeterminate("unreadable_answer", KeySettled: false), outcome);
    }

    [Fact]
    public async Task Declined_402_with_a_malformed_body_is_indeterminate_not_declined()
    {
        _psp.Always("POST", Create, PspStub.Json(402, """{ "error": """));

        var outcome = await _psp.Client.CreatePaymentIntentAsync(Charge);

        Assert.Equal(new PspOutcome.Indeterminate("unreadable_answer", KeySettled: false), outcome);
    }

    [Fact]
    public async Task Ok_200_describing_another_charges_PaymentIntent_is_never_this_charges()
    {
        _psp.Always("POST", Create, PspStub.Json(200, PspStub.PaymentIntent(id: "pi_other", chargeId: "ch_other")));

        var outcome = await _psp.Client.CreatePaymentIntentAsync(Charge);

        Assert.False(outcome is PspOutcome.Completed { Intent: var intent } && intent.MismatchWith("ch_1", 4999, "usd", null) is null,
            $"{outcome} was taken as ch_1's PaymentIntent");
    }

    [Fact]
    public async Task Ok_200_describing_a_refund_where_a_PaymentIntent_was_asked_is_never_this_charges()
    {
        _psp.Always("POST", Create, PspStub.Json(200, PspStub.Refund(id: "re_9", amount: 4999)));

        var outcome = await _psp.Client.CreatePaymentIntentAsync(Charge);

        Assert.False(outcome is PspOutcome.Completed { Intent: var intent } && intent.MismatchWith("ch_1", 4999, "usd", null) is null,
            $"{outcome} was taken as ch_1's PaymentIntent");
    }

    [Fact]
    public async Task Get_200_describing_another_PaymentIntent_is_never_the_one_asked_for()
    {
        _psp.Always("GET", "/v1/payment_intents/pi_1", PspStub.Json(200, PspStub.PaymentIntent(id: "pi_2")));

        var outcome = await _psp.Client.GetPaymentIntentAsync("pi_1");

        Assert.False(outcome is PspOutcome.Completed { Intent: var intent } && intent.MismatchWith("ch_1", 4999, "usd", "pi_1") is null,
            $"{outcome} was taken as pi_1");
    }

    [Fact]
    public async Task Refund_200_describing_another_refund_is_never_this_refunds()
    {
        _psp.Always("POST", "/v1/refunds", PspStub.Json(200, PspStub.Refund(id: "re_9", refundId: "rf_other")));

        var outcome = await _psp.Client.CreateRefundAsync("rf_1", "pi_1", 1000);

        Assert.False(outcome is PspOutcome.RefundCompleted { Refund: var refund } && refund.MismatchWith("rf_1", "pi_1", 1000) is null,
            $"{outcome} was taken as rf_1");
    }

    [Fact]
    public async Task Payout_200_describing_another_payout_is_never_this_payouts()
    {
        _psp.Always("POST", "/v1/payouts", PspStub.Json(200, PspStub.Payout(id: "po_9", payoutId: "pay_other")));

        var outcome = await _psp.Client.CreatePayoutAsync("pay_1", 120000, "usd", "ba_ok");

        Assert.False(outcome is PspOutcome.PayoutCompleted { Payout: var payout } && payout.MismatchWith("pay_1", 120000, "usd", "ba_ok") is null,
            $"{outcome} was taken as pay_1");
    }

    [Fact]
    public async Task Refund_list_of_another_PaymentIntents_refunds_is_no_proof_that_ours_is_absent()
    {
        // Read as "not found", it would end a refund whose key is settled as failed, though it may have been made.
        _psp.Always("GET", "/v1/refunds", PspStub.Json(200, $$"""{ "object": "list", "data": [{{PspStub.Refund(id: "re_9", refundId: "rf_other", paymentIntent: "pi_2")}}], "has_more": false }"""));

        var outcome = await _psp.Client.FindRefundAsync("pi_1", "rf_1");

        Assert.Equal(new PspOutcome.Indeterminate("another_object", KeySettled: false), outcome);
        Assert.Equal("pi_1", Assert.Single(_psp.Received("GET", "/v1/refunds")).Query?["payment_intent"][0]);
    }

    [Fact]
    public async Task Refund_list_of_the_PaymentIntent_without_ours_is_not_found()
    {
        _psp.Always("GET", "/v1/refunds", PspStub.Json(200, $$"""{ "object": "list", "data": [{{PspStub.Refund(id: "re_9", refundId: "rf_other")}}], "has_more": false }"""));

        Assert.IsType<PspOutcome.NotFound>(await _psp.Client.FindRefundAsync("pi_1", "rf_1"));
    }

    [Fact]
    public async Task Refund_list_with_ours_is_our_refund()
    {
        _psp.Always("GET", "/v1/refunds", PspStub.Json(200, $$"""{ "object": "list", "data": [{{PspStub.Refund(id: "re_9", refundId: "rf_other")}}, {{PspStub.Refund()}}], "has_more": false }"""));

        var outcome = await _psp.Client.FindRefundAsync("pi_1", "rf_1");

        Assert.Equal("re_1", Assert.IsType<PspOutcome.RefundCompleted>(outcome).Refund.Id);
    }

    [Fact]
    public async Task Connection_dropped_after_the_headers_is_indeterminate_and_retried_with_the_same_key()
    {
        _psp.Always("POST", Create, PspStub.Json(200, PspStub.PaymentIntent()).WithHeader(PspStub.DropAfterHeaders, "true"));

        var outcome = await _psp.Client.CreatePaymentIntentAsync(Charge);

        Assert.Equal(new PspOutcome.Indeterminate("connection_error", KeySettled: false), outcome);
        Assert.Equal(["ch_1:create", "ch_1:create"], _psp.IdempotencyKeys("POST", Create));
    }

    [Fact]
    public async Task Connection_dropped_before_the_headers_is_indeterminate_as_the_request_was_sent()
    {
        using var psp = new PspStub(o => o.MaxRetries = 0);
        psp.Always("POST", Create, PspStub.Json(200, PspStub.PaymentIntent()).WithHeader(PspStub.DropBeforeHeaders, "true"));

        var outcome = await psp.Client.CreatePaymentIntentAsync(Charge);

        // The PSP read the request and may have charged: never "not sent".
        Assert.Equal(new PspOutcome.Indeterminate("connection_error", KeySettled: false), outcome);
        Assert.All(psp.IdempotencyKeys("POST", Create), key => Assert.Equal("ch_1:create", key));
    }

    [Fact]
    public async Task Connection_refused_is_unavailable_as_nothing_was_sent_even_after_retries()
    {
        // The adapter is pointed at a loopback port nothing listens on.
        int closedPort;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        using var psp = new PspStub(o =>
        {
            o.MaxRetries = 2;
            o.BaseUrl = $"http://127.0.0.1:{closedPort}";
        });

        var outcome = await psp.Client.CreatePaymentIntentAsync(Charge);

        Assert.Equal(new PspOutcome.Unavailable("connection_refused"), outcome);
    }

    [Fact]
    public async Task Headers_that_never_come_time_out_as_indeterminate_after_the_retries_with_the_same_key()
    {
        using var psp = ImpatientStub();
        psp.Always("POST", Create, PspStub.Json(200, PspStub.PaymentIntent()).WithDelay(TimeSpan.FromSeconds(1)));

        var outcome = await psp.Client.CreatePaymentIntentAsync(Charge);

        // Had the adapter waited for the answer, it would have read a 200.
        Assert.Equal(new PspOutcome.Indeterminate("timeout", KeySettled: false), outcome);
        // The stub logs a request once its delayed answer is written, after the adapter gave up on it.
        var keys = await Poll.UntilAsync(() => Task.FromResult(psp.IdempotencyKeys("POST", Create)), k => k.Count == 2,
            k => $"{k.Count} requests reached the stub", TimeSpan.FromSeconds(5));
        Assert.Equal(["ch_1:create", "ch_1:create"], keys);
    }

    [Fact]
    public async Task Get_whose_headers_never_come_is_indeterminate_not_not_found()
    {
        using var psp = ImpatientStub();
        psp.Always("GET", "/v1/payment_intents/pi_1", PspStub.Json(200, PspStub.PaymentIntent()).WithDelay(TimeSpan.FromSeconds(1)));

        var outcome = await psp.Client.GetPaymentIntentAsync("pi_1");

        Assert.Equal(new PspOutcome.Indeterminate("timeout", KeySettled: false), outcome);
    }

    /// <summary>An adapter that waits 150 ms per attempt, for answers that take a second.</summary>
    private static PspStub ImpatientStub() => new(o =>
    {
        o.MaxRetries = 1;
        o.AttemptTimeout = TimeSpan.FromMilliseconds(150);
    });

    public void Dispose() => _psp.Dispose();
}
