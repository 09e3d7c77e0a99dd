using System.Net;
using System.Text.Json.Nodes;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Disputes;

/// <summary>A dispute's life and what it does to the balance (default fee 1500).</summary>
public sealed class DisputeLifecycleTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private const long Fee = 1500;

    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Opening_a_dispute_takes_amount_and_fee_and_emits_created()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 4999);

        var opened = await _api.OpenDisputeAsync(intent.Id, reason: "product_not_received");

        Assert.Equal(HttpStatusCode.OK, opened.Status);
        var dispute = opened.Json;
        Assert.StartsWith("dp_", dispute["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("dispute", dispute["object"]!.GetValue<string>());
        Assert.Equal(intent.Id, dispute["payment_intent"]!.GetValue<string>());
        Assert.Equal(4999, dispute["amount"]!.GetValue<long>());
        Assert.Equal("usd", dispute["currency"]!.GetValue<string>());
        Assert.Equal(Fee, dispute["fee"]!.GetValue<long>());
        Assert.Equal("product_not_received", dispute["reason"]!.GetValue<string>());
        Assert.Equal("needs_response", dispute["status"]!.GetValue<string>());
        Assert.InRange(dispute["created"]!.GetValue<long>(), intent.Json["created"]!.GetValue<long>(), intent.Json["created"]!.GetValue<long>() + 5);

        var created = Assert.Single(await _api.EventsOfAsync(opened.Id));
        Assert.Equal("charge.dispute.created", created["type"]!.GetValue<string>());
        Assert.Equal("needs_response", created["data"]!["object"]!["status"]!.GetValue<string>());

        var truth = await _api.TruthAsync(chargeId);
        Assert.Equal([("dispute", 4999L), ("dispute_fee", Fee)], DisputeMovements(truth, opened.Id));
        Assert.Equal(1, GroundTruth.ForCharge(truth, chargeId, "dispute"));
        Assert.Equal(1, GroundTruth.ForCharge(truth, chargeId, "dispute_fee"));
        Assert.Equal(0, GroundTruth.ForCharge(truth, chargeId, "refund"));
        Assert.Equal(4999, truth["totals"]!["usd"]!["disputed"]!.GetValue<long>());
        Assert.Equal(Fee, truth["totals"]!["usd"]!["dispute_fees"]!.GetValue<long>());
        Assert.Equal(0, truth["totals"]!["usd"]!["refunded"]!.GetValue<long>());
        var inTruth = Assert.Single(truth["disputes"]!.AsArray())!;
        Assert.Equal(opened.Id, inTruth["id"]!.GetValue<string>());
        Assert.Equal(intent.Id, inTruth["payment_intent"]!.GetValue<string>());
        Assert.Equal(4999, inTruth["amount"]!.GetValue<long>());
        Assert.Equal(Fee, inTruth["fee"]!.GetValue<long>());
        Assert.Equal("usd", inTruth["currency"]!.GetValue<string>());
        Assert.Equal("needs_response", inTruth["status"]!.GetValue<string>());
        Assert.Equal("product_not_received", inTruth["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Dispute_defaults_to_fraudulent_for_what_is_captured_and_not_refunded()
    {
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: 1000);
        await _api.PostAsync("/v1/refunds", SimulatorApi.NewKey(), ("payment_intent", intent.Id), ("amount", "300"));

        var opened = await _api.OpenDisputeAsync(intent.Id);

        Assert.Equal(HttpStatusCode.OK, opened.Status);
        Assert.Equal(700, opened.Json["amount"]!.GetValue<long>());
        Assert.Equal("fraudulent", opened.Json["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Under_review_emits_updated_with_the_new_status_and_moves_no_money()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 2000);
        var opened = await _api.OpenDisputeAsync(intent.Id);

        var reviewed = await _api.PostControlAsync("/_sim/disputes/" + opened.Id + "/under_review");

        Assert.Equal("under_review", reviewed["status"]!.GetValue<string>());
        var events = await _api.EventsOfAsync(opened.Id);
        Assert.Equal(["charge.dispute.updated", "charge.dispute.created"], events.Select(Type));
        Assert.Equal("under_review", events[0]["data"]!["object"]!["status"]!.GetValue<string>());
        Assert.Equal([("dispute", 2000L), ("dispute_fee", Fee)], DisputeMovements(await _api.TruthAsync(chargeId), opened.Id));
    }

    [Fact]
    public async Task Under_review_can_go_back_to_needs_response_with_another_update()
    {
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey());
        var opened = await _api.OpenDisputeAsync(intent.Id);
        await _api.PostControlAsync("/_sim/disputes/" + opened.Id + "/under_review");

        var back = await _api.PostControlAsync("/_sim/disputes/" + opened.Id + "/needs_response");

        Assert.Equal("needs_response", back["status"]!.GetValue<string>());
        Assert.Equal(
            ["charge.dispute.updated", "charge.dispute.updated", "charge.dispute.created"],
            (await _api.EventsOfAsync(opened.Id)).Select(Type));
    }

    [Fact]
    public async Task Won_gives_the_amount_back_keeps_the_fee_and_emits_closed()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 3000);
        var opened = await _api.OpenDisputeAsync(intent.Id, amount: 2500);
        await _api.PostControlAsync("/_sim/disputes/" + opened.Id + "/under_review");

        var won = await _api.PostControlAsync("/_sim/disputes/" + opened.Id + "/close", """{ "status": "won" }""");

        Assert.Equal("won", won["status"]!.GetValue<string>());
        var closed = (await _api.EventsOfAsync(opened.Id))[0];
        Assert.Equal("charge.dispute.closed", Type(closed));
        Assert.Equal("won", closed["data"]!["object"]!["status"]!.GetValue<string>());
        var truth = await _api.TruthAsync(chargeId);
        Assert.Equal([("dispute", 2500L), ("dispute_fee", Fee), ("dispute_reversal", 2500L)], DisputeMovements(truth, opened.Id));
        Assert.Equal(2500, truth["totals"]!["usd"]!["dispute_reversed"]!.GetValue<long>());
        Assert.Equal(Fee, truth["totals"]!["usd"]!["dispute_fees"]!.GetValue<long>());
        Assert.Equal("won", truth["disputes"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Lost_moves_nothing_more_and_emits_closed()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 3000);
        var opened = await _api.OpenDisputeAsync(intent.Id, reason: "general");

        var lost = await _api.PostControlAsync("/_sim/disputes/" + opened.Id + "/close", """{ "status": "lost" }""");

        Assert.Equal("lost", lost["status"]!.GetValue<string>());
        var events = await _api.EventsOfAsync(opened.Id);
        Assert.Equal(["charge.dispute.closed", "charge.dispute.created"], events.Select(Type));
        Assert.Equal("lost", events[0]["data"]!["object"]!["status"]!.GetValue<string>());
        var truth = await _api.TruthAsync(chargeId);
        Assert.Equal([("dispute", 3000L), ("dispute_fee", Fee)], DisputeMovements(truth, opened.Id));
        Assert.Equal(0, GroundTruth.ForCharge(truth, chargeId, "dispute_reversal"));
        Assert.Equal("lost", truth["disputes"]![0]!["status"]!.GetValue<string>());
    }

    private static string Type(JsonNode evt) => evt["type"]!.GetValue<string>();

    private static List<(string Kind, long Amount)> DisputeMovements(JsonNode truth, string disputeId) =>
        GroundTruth.Movements(truth)
            .Where(m => m!["dispute"]?.GetValue<string>() == disputeId)
            .Select(m => (m!["kind"]!.GetValue<string>(), m["amount"]!.GetValue<long>()))
            .ToList();
}
