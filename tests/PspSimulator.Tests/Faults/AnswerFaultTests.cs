using System.Net;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Faults;

/// <summary>Faults of the answer rather than of the PSP: a gateway in front of it, a copy of an answer that lies.</summary>
public sealed class AnswerFaultTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>, IAsyncLifetime
{
    private readonly SimulatorApi _api = simulator.Api;

    public Task InitializeAsync() => _api.ClearFaultsAsync();

    public Task DisposeAsync() => _api.ClearFaultsAsync();

    [Theory]
    [InlineData(400)]
    [InlineData(408)]
    [InlineData(500)]
    public async Task Gateway_error_runs_nothing_saves_nothing_and_is_not_a_replay(int status)
    {
        var chargeId = SimulatorApi.NewChargeId();
        var key = SimulatorApi.NewKey();
        await _api.SetFaultsAsync($$"""{ "gateway_error": { "rate": 1, "status": {{status}}, "max_count": 1 } }""");

        var refused = await _api.CreateAsync(chargeId, key);
        var after = await _api.CreateAsync(chargeId, key);

        Assert.Equal((HttpStatusCode)status, refused.Status);
        Assert.False(refused.Replayed);
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.False(after.Replayed);
        Assert.Equal(1, GroundTruth.ForKey(await _api.TruthAsync(chargeId), key, "authorize"));
        Assert.Equal(1, (await _api.GetAsync("/_sim/faults/applied")).Json["gateway_error"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("amount")]
    [InlineData("amount_received")]
    [InlineData("charge_id")]
    public async Task Tamper_rewrites_only_the_answer_the_PSP_and_its_saved_answer_stay_true(string field)
    {
        var chargeId = SimulatorApi.NewChargeId();
        var key = SimulatorApi.NewKey();
        await _api.SetFaultsAsync($$"""{ "tamper": { "rate": 1, "field": "{{field}}", "max_count": 1 } }""");

        var lied = await _api.CreateAsync(chargeId, key, amount: 2500);
        var replay = await _api.CreateAsync(chargeId, key, amount: 2500);

        Assert.Equal(HttpStatusCode.OK, lied.Status);
        var told = field == "charge_id" ? lied.Json["metadata"]!["charge_id"]!.GetValue<string>() : lied.Json[field]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(field == "charge_id" ? chargeId : "2500", told);
        Assert.True(replay.Replayed);
        Assert.Equal(2500, replay.Json["amount"]!.GetValue<long>());
        Assert.Equal(2500, replay.Json["amount_received"]!.GetValue<long>());
        Assert.Equal(chargeId, replay.Json["metadata"]!["charge_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Faults_with_an_unknown_gateway_status_or_tamper_field_are_refused()
    {
        var answer = await _api.PutFaultsAsync("""{ "gateway_error": { "rate": 1, "status": 418 }, "tamper": { "rate": 1, "field": "status" } }""");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains("gateway_error.status", answer.Body, StringComparison.Ordinal);
        Assert.Contains("tamper.field", answer.Body, StringComparison.Ordinal);
    }
}
