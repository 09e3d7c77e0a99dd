using System.Net;
using System.Text.Json.Nodes;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.PaymentIntents;

/// <summary>Authorization expiry by the background sweep (default settings: 7 days, a sweep every second).</summary>
public sealed class AuthorizationExpiryTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private const long SevenDays = 7 * 86_400;

    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Manual_authorization_carries_capture_before_created_plus_seven_days_and_keeps_it_after_capture()
    {
        var manual = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), captureMethod: "manual");
        var automatic = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey());

        var captured = await _api.PostAsync("/v1/payment_intents/" + manual.Id + "/capture", SimulatorApi.NewKey());

        var captureBefore = manual.Json["capture_before"]!.GetValue<long>();
        Assert.Equal(manual.Json["created"]!.GetValue<long>() + SevenDays, captureBefore);
        Assert.Equal(captureBefore, captured.Json["capture_before"]!.GetValue<long>());
        var automaticJson = automatic.Json.AsObject();
        Assert.True(automaticJson.ContainsKey("capture_before"));
        Assert.Null(automaticJson["capture_before"]);
        Assert.True(automaticJson.ContainsKey("cancellation_reason"));
        Assert.Null(automaticJson["cancellation_reason"]);
        Assert.Null(captured.Json["cancellation_reason"]);
    }

    [Fact]
    public async Task Authorization_past_capture_before_is_canceled_by_the_sweep_with_one_event()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 2500, captureMethod: "manual");

        await _api.AdvanceClockAsync(TimeSpan.FromSeconds(SevenDays + 60));

        // Nothing touches the intent until the sweep has canceled it: listing events does not.
        var canceledEvents = await Poll.UntilAsync(
            async () => (await _api.EventsOfAsync(intent.Id)).Where(e => Type(e) == "payment_intent.canceled").ToList(),
            events => events.Count > 0,
            TimeSpan.FromSeconds(10),
            "the sweep to cancel the expired authorization");
        var canceled = Assert.Single(canceledEvents)["data"]!["object"]!;
        Assert.Equal("canceled", canceled["status"]!.GetValue<string>());
        Assert.Equal("automatic", canceled["cancellation_reason"]!.GetValue<string>());
        Assert.Equal(0, canceled["amount_capturable"]!.GetValue<long>());

        var retrieved = await _api.GetAsync("/v1/payment_intents/" + intent.Id);
        Assert.Equal("canceled", retrieved.Json["status"]!.GetValue<string>());
        Assert.Equal("automatic", retrieved.Json["cancellation_reason"]!.GetValue<string>());
        Assert.Single(await _api.EventsOfAsync(intent.Id), e => Type(e) == "payment_intent.canceled");
        var truth = await _api.TruthAsync(chargeId);
        var inTruth = Assert.Single(GroundTruth.PaymentIntents(truth))!;
        Assert.Equal("canceled", inTruth["status"]!.GetValue<string>());
        Assert.Equal("automatic", inTruth["cancellation_reason"]!.GetValue<string>());
        Assert.Equal(0, inTruth["amount_capturable"]!.GetValue<long>());
        Assert.Equal(0, inTruth["amount_received"]!.GetValue<long>());
        Assert.Equal(0, GroundTruth.ForCharge(truth, chargeId, "capture"));
    }

    [Fact]
    public async Task Authorization_before_capture_before_is_left_alone()
    {
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), captureMethod: "manual");

        await _api.AdvanceClockAsync(TimeSpan.FromSeconds(SevenDays - 3600));
        var captured = await _api.PostAsync("/v1/payment_intents/" + intent.Id + "/capture", SimulatorApi.NewKey());

        Assert.Equal(HttpStatusCode.OK, captured.Status);
        Assert.Equal("succeeded", captured.Json["status"]!.GetValue<string>());
        Assert.DoesNotContain(await _api.EventsOfAsync(intent.Id), e => Type(e) == "payment_intent.canceled");
    }

    private static string Type(JsonNode evt) => evt["type"]!.GetValue<string>();
}
