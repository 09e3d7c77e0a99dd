using Payments.Ingress.Tests.Charges;
using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.ExactlyOnce;

/// <summary>
/// Invariant 9: the PSP keeps an idempotency key for 24 hours; once the first send of a step may
/// be older than that (minus a margin), sending it again could run it a second time, so the
/// service only reads. A day is compressed: the simulator's clock is advanced past its key
/// retention, and the step's own row is moved back by as much, as if our clock had run too.
/// </summary>
public sealed class KeyRetentionTests(ContractLagServiceFixture service) : IClassFixture<ContractLagServiceFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => service.ClearFaultsAsync();

    [Fact]
    public async Task Charge_unresolved_past_the_PSP_key_retention_is_read_never_created_again()
    {
        // Carried out, then a 500: the charge waits on search (5 s lag), and then the PSP goes away.
        await service.SetFaultsAsync(new { error_500_after = new { rate = 1.0, operations = new[] { "create" }, max_count = 1 } });
        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(5100), respondAsync: true);
        var id = (string)(await ServiceFixture.ReadObjectAsync(response))["id"]!;
        await Poll.UntilAsync(async () => (await service.PaymentIntentIdsAsync(id)).Count == 1, "the PaymentIntent to exist at the PSP");
        var created = System.Diagnostics.Stopwatch.StartNew();
        await service.SetFaultsAsync(new { outage = new { duration_ms = 3_600_000, mode = "503" } });
        await service.WaitForChargeAsync(id, c => (string?)c["pending_reason"] is "outcome_unknown" or "psp_unavailable");
        Assert.Equal("pending", (string?)(await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/charges/{id}")))["status"]);

        // 25 hours pass on both sides: the PSP forgets the key.
        using (var advanced = await service.Simulator.PostAsync("/_sim/clock/advance?seconds=90000", null))
        {
            advanced.EnsureSuccessStatusCode();
        }

        await service.Database.ExecuteAsync("UPDATE charges SET created_at = created_at - interval '25 hours' WHERE id = $1", id);
        await NextRoundAsync("charges", id);
        // A day later the PSP's search index has long caught up (its lag runs on real time here).
        await Poll.UntilAsync(() => Task.FromResult(created.Elapsed > TimeSpan.FromSeconds(5.5)), "the PSP's search index to catch up");
        await service.ClearFaultsAsync();

        var final = await service.WaitForChargeAsync(id, c => (string?)c["status"] != "pending", TimeSpan.FromSeconds(40));
        Assert.Equal("captured", (string?)final["status"]);
        Assert.Single(await service.PaymentIntentIdsAsync(id));
        Assert.Equal(1, await service.MovementsAsync(id, "capture"));
        Assert.Equal(5100, await service.LedgerCapturedAsync(id));
        await service.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Charge_never_carried_out_and_past_the_key_retention_fails_as_key_expired_without_a_send()
    {
        // Lost on the way in (nothing carried out, nothing saved), then the PSP goes away.
        await service.SetFaultsAsync(new
        {
            timeout = new { rate = 1.0, hold_ms = 1500, execute = false, operations = new[] { "create" } },
        });
        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(5200), respondAsync: true);
        var id = (string)(await ServiceFixture.ReadObjectAsync(response))["id"]!;
        await service.WaitForChargeAsync(id, c => (string?)c["pending_reason"] == "outcome_unknown");
        await service.SetFaultsAsync(new { outage = new { duration_ms = 3_600_000, mode = "503" } });

        using (var advanced = await service.Simulator.PostAsync("/_sim/clock/advance?seconds=90000", null))
        {
            advanced.EnsureSuccessStatusCode();
        }

        await service.Database.ExecuteAsync("UPDATE charges SET created_at = created_at - interval '25 hours' WHERE id = $1", id);
        await NextRoundAsync("charges", id);
        await service.ClearFaultsAsync();

        var final = await service.WaitForChargeAsync(id, c => (string?)c["status"] != "pending", TimeSpan.FromSeconds(40));
        Assert.Equal("failed", (string?)final["status"]);
        Assert.Equal("psp_key_expired", (string?)final["failure_code"]);
        Assert.Empty(await service.PaymentIntentIdsAsync(id));
        Assert.Equal(0, await service.MovementsAsync(id, "authorize"));
    }

    [Fact]
    public async Task Refund_unresolved_past_the_PSP_key_retention_is_read_never_sent_again()
    {
        using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(5300));
        var id = (string)(await ServiceFixture.ReadObjectAsync(created))["id"]!;
        Assert.Equal("captured", (string?)(await service.WaitForFinalAsync(id))["status"]);

        // Carried out, then a 500, and the refund list cannot be read: the refund stays unknown.
        await service.SetFaultsAsync(new
        {
            error_500_after = new { rate = 1.0, operations = new[] { "refund" }, max_count = 1 },
            error_500_before = new { rate = 1.0, operations = new[] { "list_refunds" } },
        });
        using var refund = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/charges/{id}/refunds", ChargeBodies.NewKey(), """{"amount": 1000}""");
        var refundId = (string)(await ServiceFixture.ReadObjectAsync(refund))["id"]!;
        await service.SetFaultsAsync(new { outage = new { duration_ms = 3_600_000, mode = "503" } });
        await Poll.UntilAsync(
            async () => await service.Database.ScalarAsync<string>("SELECT pending_reason FROM refunds WHERE id = $1", refundId) is "outcome_unknown" or "psp_unavailable",
            "the refund to wait on the PSP");

        using (var advanced = await service.Simulator.PostAsync("/_sim/clock/advance?seconds=90000", null))
        {
            advanced.EnsureSuccessStatusCode();
        }

        await service.Database.ExecuteAsync("UPDATE refunds SET created_at = created_at - interval '25 hours' WHERE id = $1", refundId);
        await NextRoundAsync("refunds", refundId);
        await service.ClearFaultsAsync();

        await Poll.UntilAsync(
            async () => await service.Database.ScalarAsync<string>("SELECT status FROM refunds WHERE id = $1", refundId) != "pending",
            "the refund to end", TimeSpan.FromSeconds(40));
        Assert.Equal("succeeded", await service.Database.ScalarAsync<string>("SELECT status FROM refunds WHERE id = $1", refundId));
        Assert.Equal(1, await service.MovementsAsync(id, "refund"));
        await service.AssertLedgerBalancedAsync();
    }

    /// <summary>
    /// Waits for a round of the resolver that began after the day passed: one that began before
    /// (its send allowed, then) must not be the one that meets the PSP back. In real time a day
    /// passes between the two; the margin kept back from the retention covers such a round.
    /// </summary>
    private async Task NextRoundAsync(string table, string id)
    {
        var sql = $"SELECT attempt_count FROM {table} WHERE id = $1";
        var attempts = await service.Database.ScalarAsync<int>(sql, id);
        await Poll.UntilAsync(async () => await service.Database.ScalarAsync<int>(sql, id) > attempts + 1, "the next rounds of the resolver");
    }
}
