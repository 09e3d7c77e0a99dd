using System.Diagnostics;
using System.Net;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.PaymentIntents;

public sealed class SearchTests(LaggedSearchFixture simulator) : IClassFixture<LaggedSearchFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Search_by_charge_id_sees_an_intent_only_after_the_indexing_lag()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var clock = Stopwatch.StartNew();
        var created = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), captureMethod: "manual");
        var path = "/v1/payment_intents/search?query=" + Uri.EscapeDataString("metadata['charge_id']:'" + chargeId + "'");

        var early = await _api.GetAsync(path);
        var late = await Poll.UntilAsync(() => _api.GetAsync(path), a => a.Json["data"]!.AsArray().Count > 0, TimeSpan.FromSeconds(5), "the search to see the intent");
        var seenAfter = clock.Elapsed;

        Assert.Equal(HttpStatusCode.OK, early.Status);
        Assert.Equal("search_result", early.Json["object"]!.GetValue<string>());
        Assert.Empty(early.Json["data"]!.AsArray());
        Assert.False(early.Json["has_more"]!.GetValue<bool>());
        var found = Assert.Single(late.Json["data"]!.AsArray());
        Assert.Equal(created.Id, found!["id"]!.GetValue<string>());
        Assert.True(seenAfter >= TimeSpan.FromMilliseconds(LaggedSearchFixture.LagMs - 50), "seen after " + seenAfter);
    }

    [Fact]
    public async Task Search_returns_the_current_state_of_every_match()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var declined = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), paymentMethod: "pm_card_chargeDeclined");
        var manual = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), captureMethod: "manual");
        await _api.PostAsync("/v1/payment_intents/" + manual.Id + "/cancel", SimulatorApi.NewKey());
        var path = "/v1/payment_intents/search?query=" + Uri.EscapeDataString("metadata[\"charge_id\"]:\"" + chargeId + "\"");

        var result = await Poll.UntilAsync(() => _api.GetAsync(path), a => a.Json["data"]!.AsArray().Count == 2, TimeSpan.FromSeconds(5), "both intents");

        var statuses = result.Json["data"]!.AsArray().Select(i => i!["status"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(["canceled", "requires_payment_method"], statuses);
        Assert.Equal(HttpStatusCode.PaymentRequired, declined.Status);
    }

    [Fact]
    public async Task Search_by_anything_but_charge_id_is_refused()
    {
        var answer = await _api.GetAsync("/v1/payment_intents/search?query=" + Uri.EscapeDataString("status:'succeeded'"));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
    }
}
