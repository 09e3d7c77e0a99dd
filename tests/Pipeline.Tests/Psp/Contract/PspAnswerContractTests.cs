using Payments.Pipeline.Psp;

namespace Payments.Pipeline.Tests.Psp.Contract;

/// <summary>
/// The contract's definite answers, served by a WireMock.Net stub: a 200 for each money movement,
/// a card decline, a refusal for state, and a 404 on a read, with what the adapter sent for each.
/// </summary>
public sealed class PspAnswerContractTests : IDisposable
{
    private readonly PspStub _psp = new();

    private static PaymentIntentRequest Charge(bool capture = true) => new("ch_1", "m_1", 4999, "USD", "pm_card_visa", capture, "order 42");

    [Fact]
    public async Task Create_answered_200_is_completed_with_the_PaymentIntent_and_sent_the_charge_as_the_contract_asks()
    {
        _psp.Always("POST", "/v1/payment_intents", PspStub.Json(200, PspStub.PaymentIntent()));

        var outcome = await _psp.Client.CreatePaymentIntentAsync(Charge());

        var intent = Assert.IsType<PspOutcome.Completed>(outcome).Intent;
        Assert.Equal(("pi_1", "succeeded", 4999L, 4999L, "ch_1"), (intent.Id, intent.Status, intent.Amount, intent.AmountReceived, intent.ChargeId));
        Assert.Null(intent.MismatchWith("ch_1", 4999, "USD", null));
        var sent = Assert.Single(_psp.Received("POST", "/v1/payment_intents"));
        Assert.Equal("ch_1:create", PspStub.Header(sent, "Idempotency-Key"));
        Assert.Equal($"Bearer {PspStub.ApiKey}", PspStub.Header(sent, "Authorization"));
        Assert.StartsWith("application/x-www-form-urlencoded", PspStub.Header(sent, "Content-Type"), StringComparison.Ordinal);
        var form = PspStub.Form(sent);
        Assert.Equal("4999", form["amount"]);
        Assert.Equal("usd", form["currency"]);
        Assert.Equal("pm_card_visa", form["payment_method"]);
        Assert.Equal("true", form["confirm"]);
        Assert.Equal("automatic", form["capture_method"]);
        Assert.Equal("ch_1", form["metadata[charge_id]"]);
        Assert.Equal("m_1", form["metadata[merchant_id]"]);
    }

    [Fact]
    public async Task Create_of_an_authorization_asks_for_manual_capture_and_shows_the_amount_capturable()
    {
        _psp.Always("POST", "/v1/payment_intents", PspStub.Json(200, PspStub.PaymentIntent(status: "requires_capture", amountCapturable: 4999)));

        var outcome = await _psp.Client.CreatePaymentIntentAsync(Charge(capture: false));

        var intent = Assert.IsType<PspOutcome.Completed>(outcome).Intent;
        Assert.Equal(("requires_capture", 4999L, 0L), (intent.Status, intent.AmountCapturable, intent.AmountReceived));
        Assert.Equal("manual", PspStub.Form(Assert.Single(_psp.Received("POST", "/v1/payment_intents")))["capture_method"]);
    }

    [Fact]
    public async Task Create_answered_402_card_declined_is_declined_with_the_decline_code_and_not_retried()
    {
        var declinedIntent = PspStub.PaymentIntent(status: "requires_payment_method",
            lastPaymentError: """{ "type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds", "message": "Your card has insufficient funds." }""");
        _psp.Always("POST", "/v1/payment_intents", PspStub.Json(402,
            $$"""{ "error": { "type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds", "message": "Your card has insufficient funds.", "payment_intent": {{declinedIntent}} } }"""));

        var outcome = await _psp.Client.CreatePaymentIntentAsync(Charge());

        var declined = Assert.IsType<PspOutcome.Declined>(outcome);
        Assert.Equal(("insufficient_funds", "Your card has insufficient funds."), (declined.Code, declined.Message));
        Assert.Equal(("pi_1", "requires_payment_method", "insufficient_funds"), (declined.Intent?.Id, declined.Intent?.Status, declined.Intent?.FailureCode));
        Assert.True(outcome.IsDefinite);
        Assert.Single(_psp.Received("POST", "/v1/payment_intents"));
    }

    [Fact]
    public async Task Capture_answered_200_is_completed_and_sent_the_amount_under_the_operations_own_key()
    {
        _psp.Always("POST", "/v1/payment_intents/pi_1/capture", PspStub.Json(200, PspStub.PaymentIntent(amount: 4999, amountReceived: 3000)));

        var outcome = await _psp.Client.CapturePaymentIntentAsync("op_7", "pi_1", 3000);

        var intent = Assert.IsType<PspOutcome.Completed>(outcome).Intent;
        Assert.Equal(("succeeded", 3000L), (intent.Status, intent.AmountReceived));
        var sent = Assert.Single(_psp.Received("POST", "/v1/payment_intents/pi_1/capture"));
        Assert.Equal("op_7:capture", PspStub.Header(sent, "Idempotency-Key"));
        Assert.Equal("3000", PspStub.Form(sent)["amount_to_capture"]);
    }

    [Fact]
    public async Task Capture_refused_400_for_state_on_the_first_send_is_a_definite_refusal_with_its_code()
    {
        _psp.Always("POST", "/v1/payment_intents/pi_1/capture",
            PspStub.Json(400, PspStub.Error("invalid_request_error", "payment_intent_unexpected_state", "This PaymentIntent could not be captured.")));

        var outcome = await _psp.Client.CapturePaymentIntentAsync("op_7", "pi_1", null);

        var refused = Assert.IsType<PspOutcome.Refused>(outcome);
        Assert.Equal((400, "invalid_request_error", "payment_intent_unexpected_state", false), (refused.Status, refused.Type, refused.Code, refused.Saved));
        Assert.Single(_psp.Received("POST", "/v1/payment_intents/pi_1/capture"));
    }

    [Fact]
    public async Task Refund_answered_200_is_completed_with_the_refund_and_sent_under_the_refunds_own_key()
    {
        _psp.Always("POST", "/v1/refunds", PspStub.Json(200, PspStub.Refund(status: "succeeded")));

        var outcome = await _psp.Client.CreateRefundAsync("rf_1", "pi_1", 1000);

        var refund = Assert.IsType<PspOutcome.RefundCompleted>(outcome).Refund;
        Assert.Equal(("re_1", "succeeded", 1000L, "pi_1", "rf_1"), (refund.Id, refund.Status, refund.Amount, refund.PaymentIntentId, refund.RefundId));
        Assert.Null(refund.MismatchWith("rf_1", "pi_1", 1000));
        var sent = Assert.Single(_psp.Received("POST", "/v1/refunds"));
        Assert.Equal("rf_1:refund", PspStub.Header(sent, "Idempotency-Key"));
        var form = PspStub.Form(sent);
        Assert.Equal(("pi_1", "1000", "rf_1"), (form["payment_intent"], form["amount"], form["metadata[refund_id]"]));
    }

    [Fact]
    public async Task Payout_answered_200_is_completed_with_the_payout_and_sent_under_the_payouts_own_key()
    {
        _psp.Always("POST", "/v1/payouts", PspStub.Json(200, PspStub.Payout()));

        var outcome = await _psp.Client.CreatePayoutAsync("pay_1", 120000, "USD", "ba_ok");

        var payout = Assert.IsType<PspOutcome.PayoutCompleted>(outcome).Payout;
        Assert.Equal(("po_1", "pending", 120000L, "pay_1"), (payout.Id, payout.Status, payout.Amount, payout.PayoutId));
        Assert.Null(payout.MismatchWith("pay_1", 120000, "USD", "ba_ok"));
        var sent = Assert.Single(_psp.Received("POST", "/v1/payouts"));
        Assert.Equal("pay_1:payout", PspStub.Header(sent, "Idempotency-Key"));
        var form = PspStub.Form(sent);
        Assert.Equal(("120000", "usd", "ba_ok", "pay_1"), (form["amount"], form["currency"], form["destination"], form["metadata[payout_id]"]));
    }

    [Fact]
    public async Task Payout_refused_400_balance_insufficient_is_a_definite_refusal()
    {
        _psp.Always("POST", "/v1/payouts", PspStub.Json(400, PspStub.Error("invalid_request_error", "balance_insufficient")));

        var outcome = await _psp.Client.CreatePayoutAsync("pay_1", 120000, "usd", "ba_ok");

        Assert.Equal("balance_insufficient", Assert.IsType<PspOutcome.Refused>(outcome).Code);
    }

    [Fact]
    public async Task Get_answered_404_is_not_found_without_a_key_or_a_retry()
    {
        _psp.Always("GET", "/v1/payment_intents/pi_missing", PspStub.Json(404, PspStub.Error("invalid_request_error", "resource_missing")));

        var outcome = await _psp.Client.GetPaymentIntentAsync("pi_missing");

        Assert.IsType<PspOutcome.NotFound>(outcome);
        Assert.Equal([null], _psp.IdempotencyKeys("GET", "/v1/payment_intents/pi_missing"));
    }

    [Fact]
    public async Task Get_of_a_payout_answered_404_is_not_found()
    {
        _psp.Always("GET", "/v1/payouts/po_missing", PspStub.Json(404, PspStub.Error("invalid_request_error", "resource_missing")));

        Assert.IsType<PspOutcome.NotFound>(await _psp.Client.GetPayoutAsync("po_missing"));
    }

    [Fact]
    public async Task Search_answered_404_proves_nothing_so_is_indeterminate_not_not_found()
    {
        // A misrouted 404 on the search must never read as "no such charge": that would prove a charge absent.
        _psp.Always("GET", "/v1/payment_intents/search", PspStub.Json(404, PspStub.Error("invalid_request_error")));

        var outcome = await _psp.Client.SearchByChargeIdAsync("ch_1");

        Assert.Equal(new PspOutcome.Indeterminate("psp_404", KeySettled: false), outcome);
    }

    [Fact]
    public async Task Search_with_no_result_is_not_found_and_asked_for_the_charges_metadata()
    {
        _psp.Always("GET", "/v1/payment_intents/search", PspStub.Json(200, """{ "object": "search_result", "data": [], "has_more": false }"""));

        var outcome = await _psp.Client.SearchByChargeIdAsync("ch_1");

        Assert.IsType<PspOutcome.NotFound>(outcome);
        var sent = Assert.Single(_psp.Received("GET", "/v1/payment_intents/search"));
        Assert.Equal("metadata['charge_id']:'ch_1'", sent.Query?["query"][0]);
    }

    [Fact]
    public async Task Post_answered_404_proves_nothing_so_is_indeterminate()
    {
        _psp.Always("POST", "/v1/refunds", PspStub.Json(404, PspStub.Error("invalid_request_error")));

        var outcome = await _psp.Client.CreateRefundAsync("rf_1", "pi_1", 1000);

        Assert.Equal(new PspOutcome.Indeterminate("psp_404", KeySettled: false), outcome);
    }

    public void Dispose() => _psp.Dispose();
}
