using System.Net;
using System.Text.Json;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Maintenance;

/// <summary><c>POST /_sim/reset</c>: a fresh simulator in the same process, for a runner that replays seed after seed.</summary>
public sealed class ResetTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>, IAsyncLifetime
{
    private readonly SimulatorApi _api = simulator.Api;

    public Task InitializeAsync() => _api.ClearFaultsAsync();

    public async Task DisposeAsync()
    {
        await _api.ClearFaultsAsync();
        await _api.PostControlAsync("/_sim/webhooks/config", """{ "url": null }""");
    }

    [Fact]
    public async Task Reset_forgets_every_object_key_movement_event_fault_and_clock_move()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var key = SimulatorApi.NewKey();
        var captured = await _api.CreateAsync(chargeId, key);
        var held = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), captureMethod: "manual");
        await _api.PostAsync("/v1/refunds", SimulatorApi.NewKey(), ("payment_intent", captured.Id), ("amount", "100"));
        await _api.AdvanceClockAsync(TimeSpan.FromMinutes(10));
        await _api.SetFaultsAsync("""{ "seed": 3, "error_500_before": { "rate": 1, "operations": ["retrieve"] } }""");

        var reset = await _api.PostControlAsync("/_sim/reset");

        Assert.True(reset["payment_intents"]!.GetValue<int>() >= 2);
        Assert.True(reset["events"]!.GetValue<int>() >= 3);
        var truth = await _api.TruthAsync();
        Assert.Empty(GroundTruth.PaymentIntents(truth));
        Assert.Empty(GroundTruth.Refunds(truth));
        Assert.Empty(GroundTruth.Movements(truth));
        Assert.Empty(truth["balance"]!.AsObject());
        Assert.Empty((await _api.GetAsync("/v1/events?limit=100")).Json["data"]!.AsArray());
        Assert.Null((await _api.GetAsync("/_sim/faults")).Json["error_500_before"]);
        Assert.Equal(0, (await _api.GetAsync("/_sim/clock")).Json["offset_seconds"]!.GetValue<double>());
        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetAsync("/v1/payment_intents/" + held.Id)).Status);
        var stats = (await _api.GetAsync("/_sim/stats")).Json;
        Assert.Equal(0, stats["idempotency_keys"]!.GetValue<int>());
        Assert.Equal(0, stats["webhooks"]!["events"]!.GetValue<long>());

        // The key is free again: the same key with another body is a new request, not a mismatch or a replay.
        var again = await _api.CreateAsync(chargeId, key, amount: 777);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.False(again.Replayed);
        Assert.NotEqual(captured.Id, again.Id);
    }

    [Fact]
    public async Task Reset_stops_delivery_of_events_from_before_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await _api.PostControlAsync("/_sim/webhooks/config", JsonSerializer.Serialize(new { url = receiver.Url.ToString(), secret = "whsec_reset" }));
        await _api.SetFaultsAsync("""{ "webhooks": { "delay_ms": { "min": 300, "max": 300 } } }""");
        var before = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey());

        await _api.PostControlAsync("/_sim/reset");
        // Delivered after twice the old event's delay: once it is here, the old one would be too.
        await _api.SetFaultsAsync("""{ "webhooks": { "delay_ms": { "min": 600, "max": 600 } } }""");
        var after = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey());
        await Poll.UntilAsync(
            () => Task.FromResult(receiver.Deliveries.Any(d => d.ObjectId == after.Id)),
            arrived => arrived,
            TimeSpan.FromSeconds(10),
            "the event created after the reset");

        Assert.DoesNotContain(receiver.Deliveries, d => d.ObjectId == before.Id);
    }

    [Fact]
    public async Task After_a_reset_the_same_seed_and_keys_replay_the_same_faults_as_new_requests()
    {
        const string Plan = """{ "seed": 12, "rate_limit": { "rate": 0.3, "operations": ["create"] }, "decline": { "rate": 0.3 } }""";
        var keys = Enumerable.Range(0, 20).Select(i => "key_reset_replay_" + i).ToList();

        async Task<List<ApiAnswer>> RunAsync()
        {
            await _api.SetFaultsAsync(Plan);
            var answers = new List<ApiAnswer>();
            foreach (var key in keys)
            {
                answers.Add(await _api.CreateAsync("ch_" + key, key, amount: 100));
            }

            return answers;
        }

        var first = await RunAsync();
        await _api.PostControlAsync("/_sim/reset");
        var second = await RunAsync();

        Assert.Equal(first.Select(a => a.Status), second.Select(a => a.Status));
        Assert.DoesNotContain(second, a => a.Replayed);
        Assert.Contains(first, a => a.Status == HttpStatusCode.OK);
        Assert.Contains(first, a => a.Status != HttpStatusCode.OK);
    }
}
