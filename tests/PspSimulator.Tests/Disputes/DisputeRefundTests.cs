using System.Globalization;
using System.Net;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Disputes;

/// <summary>Refunds of a disputed PaymentIntent.</summary>
public sealed class DisputeRefundTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Theory]
    [InlineData(null)]
    [InlineData("under_review")]
    public async Task Refund_during_an_open_dispute_answers_charge_disputed_moves_nothing_and_replays_the_same(string? move)
    {
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 1000);
        var opened = await _api.OpenDisputeAsync(intent.Id, amount: 400);
        if (move is not null)
        {
            await _api.PostControlAsync("/_sim/disputes/" + opened.Id + "/" + move);
        }

        var key = SimulatorApi.NewKey();
        var refused = await Refund(intent.Id, key, 100);
        var replay = await Refund(intent.Id, key, 100);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_request_error", refused.ErrorType);
        Assert.Equal("charge_disputed", refused.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, replay.Status);
        Assert.True(replay.Replayed);
        Assert.Equal(refused.Body, replay.Body);
        var truth = await _api.TruthAsync(chargeId);
        Assert.Equal(0, GroundTruth.ForCharge(truth, chargeId, "refund"));
        Assert.Empty(GroundTruth.Refunds(truth));
        Assert.Equal(0, GroundTruth.PaymentIntents(truth)[0]!["amount_refunded"]!.GetValue<long>());
    }

    [Fact]
    public async Task Refund_after_a_dispute_won_is_allowed_up_to_what_is_left()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 1000);
        await Refund(intent.Id, SimulatorApi.NewKey(), 200);
        var opened = await _api.OpenDisputeAsync(intent.Id, amount: 500);
        await _api.PostControlAsync("/_sim/disputes/" + opened.Id + "/close", """{ "status": "won" }""");

        var tooMuch = await Refund(intent.Id, SimulatorApi.NewKey(), 801);
        var rest = await _api.PostAsync("/v1/refunds", SimulatorApi.NewKey(), ("payment_intent", intent.Id));

        Assert.Equal(HttpStatusCode.BadRequest, tooMuch.Status);
        Assert.Equal("amount_too_large", tooMuch.ErrorCode);
        Assert.Equal(HttpStatusCode.OK, rest.Status);
        Assert.Equal(800, rest.Json["amount"]!.GetValue<long>());
        Assert.Equal(2, GroundTruth.ForCharge(await _api.TruthAsync(chargeId), chargeId, "refund"));
    }

    [Fact]
    public async Task Refund_after_a_dispute_lost_is_allowed_only_for_the_undisputed_rest()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 1000);
        var opened = await _api.OpenDisputeAsync(intent.Id, amount: 600);
        await _api.PostControlAsync("/_sim/disputes/" + opened.Id + "/close", """{ "status": "lost" }""");

        var tooMuch = await Refund(intent.Id, SimulatorApi.NewKey(), 401);
        var rest = await _api.PostAsync("/v1/refunds", SimulatorApi.NewKey(), ("payment_intent", intent.Id));
        var nothingLeft = await Refund(intent.Id, SimulatorApi.NewKey(), 1);

        Assert.Equal(HttpStatusCode.BadRequest, tooMuch.Status);
        Assert.Equal("amount_too_large", tooMuch.ErrorCode);
        Assert.Equal(HttpStatusCode.OK, rest.Status);
        Assert.Equal(400, rest.Json["amount"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.BadRequest, nothingLeft.Status);
        Assert.Equal("charge_disputed", nothingLeft.ErrorCode);
        Assert.Equal(400, GroundTruth.PaymentIntents(await _api.TruthAsync(chargeId))[0]!["amount_refunded"]!.GetValue<long>());
    }

    private Task<ApiAnswer> Refund(string paymentIntent, string key, long amount) =>
        _api.PostAsync(
            "/v1/refunds",
            key,
            ("payment_intent", paymentIntent),
            ("amount", amount.ToString(CultureInfo.InvariantCulture)),
            ("metadata[refund_id]", "rf_" + key));
}
