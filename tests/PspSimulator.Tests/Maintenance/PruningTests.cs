using System.Net;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Maintenance;

public sealed class PruningTests(ShortRetentionFixture simulator) : IClassFixture<ShortRetentionFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Everything_past_retention_is_pruned_from_memory_and_truth()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 700);
        await _api.PostAsync("/v1/refunds", SimulatorApi.NewKey(), ("payment_intent", intent.Id), ("amount", "100"));
        var dispute = await _api.OpenDisputeAsync(intent.Id);
        var before = (await _api.GetAsync("/_sim/stats")).Json;

        await _api.PostControlAsync("/_sim/clock/advance?seconds=3700");
        var after = (await _api.GetAsync("/_sim/stats")).Json;
        var truth = await _api.TruthAsync(chargeId);
        var retrieved = await _api.GetAsync("/v1/payment_intents/" + intent.Id);
        var events = await _api.GetAsync("/v1/events?limit=100");

        Assert.True(before["payment_intents"]!.GetValue<int>() > 0);
        Assert.True(before["events"]!.GetValue<int>() > 0);
        Assert.Equal(0, after["payment_intents"]!.GetValue<int>());
        Assert.Equal(0, after["refunds"]!.GetValue<int>());
        Assert.Equal(1, before["disputes"]!.GetValue<int>());
        Assert.Equal(0, after["disputes"]!.GetValue<int>());
        Assert.Equal(0, after["events"]!.GetValue<int>());
        Assert.Equal(0, after["movements"]!.GetValue<int>());
        Assert.Empty(GroundTruth.PaymentIntents(truth));
        Assert.Empty(GroundTruth.Movements(truth));
        Assert.Empty(truth["disputes"]!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetAsync("/v1/disputes/" + dispute.Id)).Status);
        Assert.Equal(HttpStatusCode.NotFound, retrieved.Status);
        Assert.Empty(events.Json["data"]!.AsArray());
    }
}
