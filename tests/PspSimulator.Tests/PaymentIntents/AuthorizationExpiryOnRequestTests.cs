using System.Net;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.PaymentIntents;

/// <summary>
/// Authorization expiry seen by requests right after the clock moved, before any sweep: the sweep of
/// this fixture waits an hour, so only the request itself can find the authorization expired.
/// </summary>
public sealed class AuthorizationExpiryOnRequestTests(NoSweepFixture simulator) : IClassFixture<NoSweepFixture>
{
    private const long SevenDays = 7 * 86_400;

    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Capture_after_capture_before_answers_400_unexpected_state_and_the_intent_is_canceled_automatic()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), captureMethod: "manual");
        var key = SimulatorApi.NewKey();

        await _api.AdvanceClockAsync(TimeSpan.FromSeconds(SevenDays + 1));
        var capture = await _api.PostAsync("/v1/payment_intents/" + intent.Id + "/capture", key);
        var replay = await _api.PostAsync("/v1/payment_intents/" + intent.Id + "/capture", key);

        Assert.Equal(HttpStatusCode.BadRequest, capture.Status);
        Assert.Equal("invalid_request_error", capture.ErrorType);
        Assert.Equal("payment_intent_unexpected_state", capture.ErrorCode);
        Assert.Equal("canceled", capture.Json["error"]!["payment_intent"]!["status"]!.GetValue<string>());
        Assert.Equal("automatic", capture.Json["error"]!["payment_intent"]!["cancellation_reason"]!.GetValue<string>());
        Assert.True(replay.Replayed);
        Assert.Equal(capture.Body, replay.Body);
        var retrieved = await _api.GetAsync("/v1/payment_intents/" + intent.Id);
        Assert.Equal("canceled", retrieved.Json["status"]!.GetValue<string>());
        Assert.Equal("automatic", retrieved.Json["cancellation_reason"]!.GetValue<string>());
        Assert.Single(await _api.EventsOfAsync(intent.Id), e => e["type"]!.GetValue<string>() == "payment_intent.canceled");
        Assert.Equal(0, GroundTruth.ForCharge(await _api.TruthAsync(chargeId), chargeId, "capture"));
    }

    [Fact]
    public async Task Retrieve_and_search_right_after_capture_before_show_the_intent_canceled_automatic()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), captureMethod: "manual");

        await _api.AdvanceClockAsync(TimeSpan.FromSeconds(SevenDays + 1));
        var found = await _api.GetAsync("/v1/payment_intents/search?query=" + Uri.EscapeDataString("metadata['charge_id']:'" + chargeId + "'"));
        var retrieved = await _api.GetAsync("/v1/payment_intents/" + intent.Id);

        var inSearch = Assert.Single(found.Json["data"]!.AsArray())!;
        Assert.Equal("canceled", inSearch["status"]!.GetValue<string>());
        Assert.Equal("automatic", inSearch["cancellation_reason"]!.GetValue<string>());
        Assert.Equal("canceled", retrieved.Json["status"]!.GetValue<string>());
        Assert.Single(await _api.EventsOfAsync(intent.Id), e => e["type"]!.GetValue<string>() == "payment_intent.canceled");
    }

    [Fact]
    public async Task Cancel_after_capture_before_is_refused_because_the_PSP_canceled_it_first()
    {
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), captureMethod: "manual");

        await _api.AdvanceClockAsync(TimeSpan.FromSeconds(SevenDays + 1));
        var cancel = await _api.PostAsync("/v1/payment_intents/" + intent.Id + "/cancel", SimulatorApi.NewKey());

        Assert.Equal(HttpStatusCode.BadRequest, cancel.Status);
        Assert.Equal("payment_intent_unexpected_state", cancel.ErrorCode);
        Assert.Equal("automatic", cancel.Json["error"]!["payment_intent"]!["cancellation_reason"]!.GetValue<string>());
    }
}
