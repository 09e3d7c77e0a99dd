using System.Net;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.PaymentIntents;

public sealed class CancellationReasonTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Cancel_through_the_api_sets_requested_by_customer()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), captureMethod: "manual");

        var canceled = await _api.PostAsync("/v1/payment_intents/" + intent.Id + "/cancel", SimulatorApi.NewKey());

        Assert.Equal(HttpStatusCode.OK, canceled.Status);
        Assert.Equal("canceled", canceled.Json["status"]!.GetValue<string>());
        Assert.Equal("requested_by_customer", canceled.Json["cancellation_reason"]!.GetValue<string>());
        var evt = Assert.Single(await _api.EventsOfAsync(intent.Id), e => e["type"]!.GetValue<string>() == "payment_intent.canceled");
        Assert.Equal("requested_by_customer", evt["data"]!["object"]!["cancellation_reason"]!.GetValue<string>());
        var inTruth = Assert.Single(GroundTruth.PaymentIntents(await _api.TruthAsync(chargeId)))!;
        Assert.Equal("requested_by_customer", inTruth["cancellation_reason"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("duplicate")]
    [InlineData("fraudulent")]
    [InlineData("requested_by_customer")]
    [InlineData("abandoned")]
    public async Task Cancel_honours_the_cancellation_reason_parameter(string reason)
    {
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), captureMethod: "manual");

        var canceled = await _api.PostAsync("/v1/payment_intents/" + intent.Id + "/cancel", SimulatorApi.NewKey(), ("cancellation_reason", reason));

        Assert.Equal(HttpStatusCode.OK, canceled.Status);
        Assert.Equal(reason, canceled.Json["cancellation_reason"]!.GetValue<string>());
        Assert.Equal(reason, (await _api.GetAsync("/v1/payment_intents/" + intent.Id)).Json["cancellation_reason"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("automatic")]
    [InlineData("changed_my_mind")]
    [InlineData("")]
    public async Task Cancel_with_a_reason_a_caller_cannot_give_is_refused_before_executing(string reason)
    {
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), captureMethod: "manual");
        var key = SimulatorApi.NewKey();

        var refused = await _api.PostAsync("/v1/payment_intents/" + intent.Id + "/cancel", key, ("cancellation_reason", reason));
        var retrieved = await _api.GetAsync("/v1/payment_intents/" + intent.Id);
        var sameKeyValidReason = await _api.PostAsync("/v1/payment_intents/" + intent.Id + "/cancel", key, ("cancellation_reason", "duplicate"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_request_error", refused.ErrorType);
        Assert.Equal("cancellation_reason", refused.Json["error"]!["param"]!.GetValue<string>());
        Assert.Equal("requires_capture", retrieved.Json["status"]!.GetValue<string>());
        Assert.Null(retrieved.Json["cancellation_reason"]);

        // A validation failure saves nothing for the key, so the key is still free.
        Assert.Equal(HttpStatusCode.OK, sameKeyValidReason.Status);
        Assert.False(sameKeyValidReason.Replayed);
        Assert.Equal("duplicate", sameKeyValidReason.Json["cancellation_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancel_of_a_declined_intent_also_records_the_reason()
    {
        var declined = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), paymentMethod: "pm_card_chargeDeclined");
        var id = declined.Json["error"]!["payment_intent"]!["id"]!.GetValue<string>();

        var canceled = await _api.PostAsync("/v1/payment_intents/" + id + "/cancel", SimulatorApi.NewKey(), ("cancellation_reason", "abandoned"));

        Assert.Equal(HttpStatusCode.OK, canceled.Status);
        Assert.Equal("abandoned", canceled.Json["cancellation_reason"]!.GetValue<string>());
        Assert.Null(canceled.Json["capture_before"]);
    }
}
