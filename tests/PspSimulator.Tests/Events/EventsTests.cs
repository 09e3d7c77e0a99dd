using System.Net;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Events;

public sealed class EventsTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Events_are_listed_newest_first_and_paged_with_starting_after()
    {
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: 1000, captureMethod: "manual");
        await _api.PostAsync("/v1/payment_intents/" + intent.Id + "/capture", SimulatorApi.NewKey());
        await _api.PostAsync("/v1/refunds", SimulatorApi.NewKey(), ("payment_intent", intent.Id), ("amount", "400"));

        var firstPage = await _api.GetAsync("/v1/events?limit=2");
        var lastId = firstPage.Json["data"]!.AsArray()[1]!["id"]!.GetValue<string>();
        var secondPage = await _api.GetAsync("/v1/events?limit=2&starting_after=" + lastId);

        Assert.Equal("list", firstPage.Json["object"]!.GetValue<string>());
        Assert.True(firstPage.Json["has_more"]!.GetValue<bool>());
        var types = firstPage.Json["data"]!.AsArray().Concat(secondPage.Json["data"]!.AsArray()).Select(e => e!["type"]!.GetValue<string>()).ToList();
        Assert.Equal(["refund.updated", "refund.created", "payment_intent.succeeded", "payment_intent.amount_capturable_updated"], types);
        var succeeded = secondPage.Json["data"]!.AsArray()[0]!;
        Assert.Equal("event", succeeded["object"]!.GetValue<string>());
        Assert.Equal(intent.Id, succeeded["data"]!["object"]!["id"]!.GetValue<string>());
        Assert.Equal("succeeded", succeeded["data"]!["object"]!["status"]!.GetValue<string>());
        var capturable = secondPage.Json["data"]!.AsArray()[1]!;
        Assert.Equal("requires_capture", capturable["data"]!["object"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Expiry_and_dispute_events_are_listed_newest_first_with_their_objects()
    {
        var authorized = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), captureMethod: "manual");
        await _api.AdvanceClockAsync(TimeSpan.FromDays(8));
        var captured = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey());
        var dispute = await _api.OpenDisputeAsync(captured.Id);
        await _api.PostControlAsync("/_sim/disputes/" + dispute.Id + "/under_review");
        await _api.PostControlAsync("/_sim/disputes/" + dispute.Id + "/close", """{ "status": "lost" }""");
        await _api.GetAsync("/v1/payment_intents/" + authorized.Id);

        var newest = (await _api.GetAsync("/v1/events?limit=4")).Json["data"]!.AsArray();

        // The expiry comes from the background sweep or the GET, whichever ran first: its place
        // among the dispute's events is not fixed, the dispute's own order is.
        var canceled = Assert.Single(newest, e => e!["type"]!.GetValue<string>() == "payment_intent.canceled")!;
        Assert.Equal(authorized.Id, canceled["data"]!["object"]!["id"]!.GetValue<string>());
        Assert.Equal("automatic", canceled["data"]!["object"]!["cancellation_reason"]!.GetValue<string>());
        var disputeEvents = newest.Where(e => e != canceled).ToList();
        Assert.Equal(
            [("charge.dispute.closed", dispute.Id), ("charge.dispute.updated", dispute.Id), ("charge.dispute.created", dispute.Id)],
            disputeEvents.Select(e => (e!["type"]!.GetValue<string>(), e["data"]!["object"]!["id"]!.GetValue<string>())));
        Assert.Equal(["lost", "under_review", "needs_response"], disputeEvents.Select(e => e!["data"]!["object"]!["status"]!.GetValue<string>()));
        Assert.All(disputeEvents, e => Assert.Equal("dispute", e!["data"]!["object"]!["object"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Events_created_before_created_gte_are_left_out()
    {
        await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey());
        var clock = await _api.GetAsync("/_sim/clock");
        var future = clock.Json["unix"]!.GetValue<long>() + 3600;

        var none = await _api.GetAsync("/v1/events?created[gte]=" + future);
        var bad = await _api.GetAsync("/v1/events?limit=101");
        var unknown = await _api.GetAsync("/v1/events?starting_after=evt_nope");

        Assert.Empty(none.Json["data"]!.AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
    }
}
