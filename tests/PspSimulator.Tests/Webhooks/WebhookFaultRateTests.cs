using System.Text.Json;
using PspSimulator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PspSimulator.Tests.Webhooks;

/// <summary>
/// Duplicates, drops and reordering at their configured rates, measured where the service would see
/// them: at a receiver. The plan names no seed, so decisions follow the fixture's seed and the event
/// order: with events created in a fixed order they are the same on every run, and the tolerances only
/// allow for a different seed. (A plan with its own seed would draw per event id, and ids are random.)
/// </summary>
public sealed class WebhookFaultRateTests(SimulatorFixture simulator, ITestOutputHelper output) : IClassFixture<SimulatorFixture>
{
    private const int Intents = 200;
    private const double DuplicateRate = 0.3;
    private const double DropRate = 0.2;
    private const double ReorderRate = 0.25;

    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Duplicates_drops_and_reordering_happen_at_the_configured_rates()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await _api.PostControlAsync("/_sim/webhooks/config", JsonSerializer.Serialize(new { url = receiver.Url.ToString(), secret = "whsec_rates" }));
        await _api.SetFaultsAsync(
            """{ "webhooks": { "duplicate_rate": 0.3, "duplicate_copies": 2, "drop_rate": 0.2, "reorder_rate": 0.25, "reorder_max_hold_ms": 6000 } }""");

        // Every intent's first event (amount_capturable_updated) goes out before any second one
        // (succeeded), so an inversion at the receiver can only come from the reorder fault.
        var ids = new List<string>();
        for (var i = 0; i < Intents; i++)
        {
            ids.Add((await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: 100, captureMethod: "manual")).Id);
        }

        foreach (var id in ids)
        {
            await _api.PostAsync("/v1/payment_intents/" + id + "/capture", SimulatorApi.NewKey());
        }

        var stats = await Poll.UntilAsync(
            async () => (await _api.GetAsync("/_sim/webhooks/stats")).Json,
            s => s["events"]!.GetValue<long>() == 2 * Intents
                && s["delivered"]!.GetValue<long>() == s["copies"]!.GetValue<long>()
                && s["held_for_reorder"]!.GetValue<long>() == s["reordered"]!.GetValue<long>() + s["reorder_expired"]!.GetValue<long>(),
            TimeSpan.FromSeconds(30),
            "every webhook to be delivered");

        var byEvent = receiver.Deliveries.GroupBy(d => d.EventId).ToList();
        var dropped = 2 * Intents - byEvent.Count;
        var duplicated = byEvent.Count(g => g.Count() > 1);
        Assert.All(byEvent, g => Assert.InRange(g.Count(), 1, 2));
        Assert.Equal(stats["dropped"]!.GetValue<long>(), dropped);
        Assert.Equal(stats["duplicated"]!.GetValue<long>(), duplicated);
        Assert.InRange(dropped / (2.0 * Intents), DropRate - 0.07, DropRate + 0.07);
        Assert.InRange(duplicated / (double)byEvent.Count, DuplicateRate - 0.08, DuplicateRate + 0.08);

        var bothArrived = 0;
        var inverted = 0;
        foreach (var id in ids)
        {
            var first = receiver.Deliveries.FirstOrDefault(d => d.ObjectId == id && d.Type == "payment_intent.amount_capturable_updated");
            var second = receiver.Deliveries.FirstOrDefault(d => d.ObjectId == id && d.Type == "payment_intent.succeeded");
            if (first is null || second is null)
            {
                continue;
            }

            bothArrived++;
            if (second.Number < first.Number)
            {
                inverted++;
                Assert.Equal("requires_capture", first.Event["data"]!["object"]!["status"]!.GetValue<string>());
            }
        }

        output.WriteLine($"dropped {dropped}/{2 * Intents}, duplicated {duplicated}/{byEvent.Count}, inverted {inverted}/{bothArrived}, stats {stats.ToJsonString()}");
        Assert.InRange(inverted / (double)bothArrived, ReorderRate - 0.1, ReorderRate + 0.1);
    }
}
