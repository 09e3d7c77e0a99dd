using System.Net;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Disputes;

/// <summary>The control surface refuses dispute moves that make no sense, and changes nothing when it does.</summary>
public sealed class DisputeControlTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Opening_on_an_unknown_payment_intent_is_refused()
    {
        var answer = await _api.OpenDisputeAsync("pi_nope");

        AssertRefused(answer, HttpStatusCode.BadRequest, "pi_nope");
    }

    [Fact]
    public async Task Opening_on_a_payment_intent_with_nothing_captured_is_refused()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), captureMethod: "manual");

        var answer = await _api.OpenDisputeAsync(intent.Id);

        AssertRefused(answer, HttpStatusCode.BadRequest, "nothing captured");
        Assert.Empty((await _api.TruthAsync(chargeId))["disputes"]!.AsArray());
    }

    [Fact]
    public async Task Opening_a_second_dispute_on_the_same_payment_intent_is_refused()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 1000);
        var first = await _api.OpenDisputeAsync(intent.Id, amount: 100);
        await _api.PostControlAsync("/_sim/disputes/" + first.Id + "/close", """{ "status": "won" }""");

        var second = await _api.OpenDisputeAsync(intent.Id, amount: 100);

        AssertRefused(second, HttpStatusCode.BadRequest, "already has a dispute");
        var truth = await _api.TruthAsync(chargeId);
        Assert.Single(truth["disputes"]!.AsArray());
        Assert.Equal(1, GroundTruth.ForCharge(truth, chargeId, "dispute"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(701)]
    public async Task Opening_for_an_amount_out_of_range_is_refused(long amount)
    {
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 1000);
        await _api.PostAsync("/v1/refunds", SimulatorApi.NewKey(), ("payment_intent", intent.Id), ("amount", "300"));

        var answer = await _api.OpenDisputeAsync(intent.Id, amount: amount);

        AssertRefused(answer, HttpStatusCode.BadRequest, "from 1 to 700");
        Assert.Equal(0, GroundTruth.ForCharge(await _api.TruthAsync(chargeId), chargeId, "dispute"));
    }

    [Fact]
    public async Task Opening_with_an_unknown_reason_is_refused()
    {
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey());

        var answer = await _api.OpenDisputeAsync(intent.Id, reason: "buyers_remorse");

        AssertRefused(answer, HttpStatusCode.BadRequest, "reason");
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{ "payment_intent": "pi_x", "amout": 5 }""")]
    public async Task Opening_without_a_body_of_the_right_shape_is_refused(string body)
    {
        var answer = await _api.SendControlAsync("/_sim/disputes", body);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.NotNull(answer.Json["error"]);
    }

    [Theory]
    [InlineData("won")]
    [InlineData("lost")]
    public async Task Closed_dispute_cannot_be_closed_again(string first)
    {
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey());
        var opened = await _api.OpenDisputeAsync(intent.Id);
        await _api.PostControlAsync("/_sim/disputes/" + opened.Id + "/close", "{ \"status\": \"" + first + "\" }");

        var again = await _api.SendControlAsync("/_sim/disputes/" + opened.Id + "/close", """{ "status": "won" }""");

        AssertRefused(again, HttpStatusCode.BadRequest, "is " + first);
        Assert.Single(await _api.EventsOfAsync(opened.Id), e => e["type"]!.GetValue<string>() == "charge.dispute.closed");
        Assert.True(GroundTruth.ForCharge(await _api.TruthAsync(chargeId), chargeId, "dispute_reversal") <= 1);
    }

    [Theory]
    [InlineData("under_review")]
    [InlineData("needs_response")]
    public async Task Closed_dispute_cannot_be_reopened(string move)
    {
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey());
        var opened = await _api.OpenDisputeAsync(intent.Id);
        await _api.PostControlAsync("/_sim/disputes/" + opened.Id + "/close", """{ "status": "lost" }""");

        var answer = await _api.SendControlAsync("/_sim/disputes/" + opened.Id + "/" + move);

        AssertRefused(answer, HttpStatusCode.BadRequest, "is lost");
        Assert.Equal("lost", (await _api.GetAsync("/v1/disputes/" + opened.Id)).Json["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Moving_to_the_status_it_already_has_is_refused()
    {
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey());
        var opened = await _api.OpenDisputeAsync(intent.Id);

        var answer = await _api.SendControlAsync("/_sim/disputes/" + opened.Id + "/needs_response");

        AssertRefused(answer, HttpStatusCode.BadRequest, "is needs_response");
        Assert.Single(await _api.EventsOfAsync(opened.Id));
    }

    [Theory]
    [InlineData("""{ "status": "under_review" }""")]
    [InlineData("""{ "status": "draw" }""")]
    [InlineData("{}")]
    public async Task Close_needs_won_or_lost(string body)
    {
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey());
        var opened = await _api.OpenDisputeAsync(intent.Id);

        var answer = await _api.SendControlAsync("/_sim/disputes/" + opened.Id + "/close", body);

        AssertRefused(answer, HttpStatusCode.BadRequest, "won or lost");
        Assert.Equal("needs_response", (await _api.GetAsync("/v1/disputes/" + opened.Id)).Json["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Moving_an_unknown_dispute_answers_404()
    {
        var answer = await _api.SendControlAsync("/_sim/disputes/dp_nope/under_review");

        AssertRefused(answer, HttpStatusCode.NotFound, "dp_nope");
    }

    private static void AssertRefused(ApiAnswer answer, HttpStatusCode status, string because)
    {
        Assert.Equal(status, answer.Status);
        Assert.Contains(because, answer.Json["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(answer.Json["details"]);
    }
}
