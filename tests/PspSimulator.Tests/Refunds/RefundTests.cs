using System.Net;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Refunds;

public sealed class RefundTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Several_partial_refunds_are_allowed_up_to_the_captured_amount_and_no_further()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 1000);

        var first = await Refund(intent.Id, 300, "rf_1");
        var second = await Refund(intent.Id, 500, "rf_2");
        var tooMuch = await Refund(intent.Id, 201, "rf_3");
        var rest = await _api.PostAsync("/v1/refunds", SimulatorApi.NewKey(), ("payment_intent", intent.Id));
        var nothingLeft = await Refund(intent.Id, 1, "rf_5");

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("refund", first.Json["object"]!.GetValue<string>());
        Assert.Equal("succeeded", first.Json["status"]!.GetValue<string>());
        Assert.Equal("rf_1", first.Json["metadata"]!["refund_id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(HttpStatusCode.BadRequest, tooMuch.Status);
        Assert.Equal("amount_too_large", tooMuch.ErrorCode);
        Assert.Equal(HttpStatusCode.OK, rest.Status);
        Assert.Equal(200, rest.Json["amount"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.BadRequest, nothingLeft.Status);
        var truth = await _api.TruthAsync(chargeId);
        Assert.Equal(3, GroundTruth.ForCharge(truth, chargeId, "refund"));
        Assert.Equal(1000, GroundTruth.PaymentIntents(truth)[0]!["amount_refunded"]!.GetValue<long>());
        Assert.Equal(1000, truth["totals"]!["usd"]!["refunded"]!.GetValue<long>());
    }

    [Fact]
    public async Task Racing_refunds_never_exceed_the_captured_amount()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 1000);

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Refund(intent.Id, 300, "rf_race_" + i)));

        Assert.Equal(3, answers.Count(a => a.Status == HttpStatusCode.OK));
        var truth = await _api.TruthAsync(chargeId);
        Assert.Equal(900, GroundTruth.Refunds(truth).Sum(r => r!["amount"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Refund_of_an_uncaptured_intent_is_refused()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), captureMethod: "manual");

        var answer = await Refund(intent.Id, 100, "rf_x");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(0, GroundTruth.ForCharge(await _api.TruthAsync(chargeId), chargeId, "refund"));
    }

    [Fact]
    public async Task Refunds_are_listed_by_payment_intent_without_lag_and_retrievable_by_id()
    {
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: 900);
        var a = await Refund(intent.Id, 100, "rf_a");
        var b = await Refund(intent.Id, 200, "rf_b");

        var list = await _api.GetAsync("/v1/refunds?payment_intent=" + intent.Id);
        var one = await _api.GetAsync("/v1/refunds/" + a.Id);
        var missing = await _api.GetAsync("/v1/refunds/re_nope");

        Assert.Equal("list", list.Json["object"]!.GetValue<string>());
        Assert.False(list.Json["has_more"]!.GetValue<bool>());
        Assert.Equal([b.Id, a.Id], list.Json["data"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
        Assert.Equal(intent.Id, one.Json["payment_intent"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
    }

    [Fact]
    public async Task Refund_without_refund_id_metadata_is_accepted_as_one_made_at_the_PSP()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 1000);

        var refund = await _api.PostAsync("/v1/refunds", SimulatorApi.NewKey(), ("payment_intent", intent.Id), ("amount", "250"));

        Assert.Equal(HttpStatusCode.OK, refund.Status);
        Assert.Equal("succeeded", refund.Json["status"]!.GetValue<string>());
        Assert.Empty(refund.Json["metadata"]!.AsObject());
        var truth = await _api.TruthAsync(chargeId);
        Assert.Empty(Assert.Single(GroundTruth.Refunds(truth))!["metadata"]!.AsObject());
        Assert.Equal(1, GroundTruth.ForCharge(truth, chargeId, "refund"));
        Assert.Contains(await _api.EventsOfAsync(refund.Id), e => e["type"]!.GetValue<string>() == "refund.created");
    }

    private Task<ApiAnswer> Refund(string paymentIntent, long amount, string refundId) =>
        _api.PostAsync(
            "/v1/refunds",
            SimulatorApi.NewKey(),
            ("payment_intent", paymentIntent),
            ("amount", amount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("metadata[refund_id]", refundId));
}
