using System.Net.Http.Json;
using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.ExactlyOnce;

/// <summary>PSP calls slow enough (1.5 s) for another instance to move the charge while one is under way.</summary>
public sealed class SlowReadsServiceFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["Psp:SearchLag"] = "00:00:05",
        ["Psp:AttemptTimeout"] = "00:00:05",
    };

    protected override IReadOnlyDictionary<string, string?> SimulatorSettings => new Dictionary<string, string?>
    {
        ["Simulator:SearchLagMs"] = "5000",
    };
}

/// <summary>
/// Every move is conditional on the row it was decided from. When another writer moved the row
/// first (another instance, a webhook), the decision is made again from the row as it is now
/// with the same PSP fact, never re-applied as it was decided from the old row.
/// </summary>
public sealed class StaleDecisionTests(SlowReadsServiceFixture service) : IClassFixture<SlowReadsServiceFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await service.ClearFaultsAsync();
        using var restored = await service.Simulator.PostAsJsonAsync("/_sim/webhooks/config", new { url = service.ServiceUrl + "/psp/webhooks", secret = ServiceFixture.WebhookSecret });
    }

    [Fact]
    public async Task Move_that_loses_a_race_is_decided_again_from_the_row_as_it_now_is()
    {
        // Only the resolver moves this charge: no webhooks, and searches fail until the test allows them.
        using (var off = await service.Simulator.PostAsJsonAsync("/_sim/webhooks/config", new { url = "" }))
        {
            off.EnsureSuccessStatusCode();
        }

        await service.SetFaultsAsync(new
        {
            error_500_after = new { rate = 1.0, operations = new[] { "create" }, max_count = 1 },
            error_500_before = new { rate = 1.0, operations = new[] { "search" } },
        });
        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(9300, capture: false), respondAsync: true);
        var id = (string)(await ServiceFixture.ReadObjectAsync(response))["id"]!;
        await Poll.UntilAsync(async () => (await service.PaymentIntentIdsAsync(id)).Count == 1, "the PaymentIntent to exist");
        var paymentIntent = (await service.PaymentIntentIdsAsync(id))[0];
        var created = DateTime.UtcNow;

        // Canceled at the PSP while our row is still pending.
        using (var canceled = await service.PspPostAsync($"/v1/payment_intents/{paymentIntent}/cancel", ""))
        {
            Assert.True(canceled.IsSuccessStatusCode, await canceled.Content.ReadAsStringAsync());
        }

        // Past the search lag, and between two of the resolver's rounds: searches work from now on,
        // and every PSP call takes 1.5 s, so the next round's decision takes a while to be applied.
        await Poll.UntilAsync(() => Task.FromResult(DateTime.UtcNow - created > TimeSpan.FromSeconds(5.5)), "the search lag to pass");
        var attempts = await AttemptsAsync(id);
        await Poll.UntilAsync(async () => await AttemptsAsync(id) > attempts, "a resolver round to start");
        await Poll.UntilAsync(
            async () => await service.Database.ScalarAsync<bool>("SELECT next_attempt_at < now() + interval '30 seconds' FROM charges WHERE id = $1", id),
            "that round to end");
        await service.SetFaultsAsync(new { latency_ms = new { min = 1500, max = 1500 } });
        attempts = await AttemptsAsync(id);
        await Poll.UntilAsync(async () => await AttemptsAsync(id) > attempts, "the next round to start");

        // Another instance saw the authorization earlier and moves the row while this round reads.
        await service.Database.ExecuteAsync("""
            UPDATE charges
            SET status = 'authorized', pending_reason = NULL, amount_authorized = amount, psp_reference = $2,
                next_attempt_at = NULL, version = version + 1, updated_at = now()
            WHERE id = $1 AND status = 'pending'
            """, id, paymentIntent);

        var final = await service.WaitForChargeAsync(id, c => (string?)c["status"] == "voided", TimeSpan.FromSeconds(20));
        Assert.Equal(0, await service.MovementsAsync(id, "capture"));
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals WHERE charge_id = $1", id));
        Assert.Equal("voided", (string?)final["status"]);
    }

    private Task<int> AttemptsAsync(string id) => service.Database.ScalarAsync<int>("SELECT attempt_count FROM charges WHERE id = $1", id);
}
