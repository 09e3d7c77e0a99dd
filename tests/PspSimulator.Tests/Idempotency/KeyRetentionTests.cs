using System.Globalization;
using System.Net;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Idempotency;

public sealed class KeyRetentionTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Key_is_kept_24_hours_by_the_simulator_clock_then_pruned()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var key = SimulatorApi.NewKey();
        var first = await _api.CreateAsync(chargeId, key);
        var keysBefore = (await _api.GetAsync("/_sim/stats")).Json["idempotency_keys"]!.GetValue<int>();

        await _api.PostControlAsync("/_sim/clock/advance?seconds=" + (24 * 3600 - 60).ToString(CultureInfo.InvariantCulture));
        var stillKept = await _api.CreateAsync(chargeId, key);

        await _api.PostControlAsync("/_sim/clock/advance?seconds=120");
        var keysAfter = (await _api.GetAsync("/_sim/stats")).Json["idempotency_keys"]!.GetValue<int>();
        var afterPruning = await _api.CreateAsync(chargeId, key);

        Assert.True(stillKept.Replayed);
        Assert.Equal(first.Id, stillKept.Id);
        Assert.True(keysAfter < keysBefore, "the expired key was pruned from memory");
        Assert.Equal(HttpStatusCode.OK, afterPruning.Status);
        Assert.False(afterPruning.Replayed);
        Assert.NotEqual(first.Id, afterPruning.Id);
        var truth = await _api.TruthAsync(chargeId);
        Assert.Equal(2, GroundTruth.ForKey(truth, key, "authorize"));
    }
}
