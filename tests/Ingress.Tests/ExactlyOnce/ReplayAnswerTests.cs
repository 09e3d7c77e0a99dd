using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.ExactlyOnce;

/// <summary>
/// Invariant 3: what a replay answers is trusted only as far as the PSP's contract goes. A refusal
/// proves nothing ran only on the first send; on a replay (the first may have run) it means "read
/// the truth". A 500 settles a key only when it is the PSP's saved answer (Idempotent-Replayed).
/// </summary>
public sealed class ReplayAnswerTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => service.ClearFaultsAsync();

    [Fact]
    public async Task Refusal_of_a_create_replay_after_a_timeout_that_executed_ends_captured()
    {
        // The first send is held past our patience and carried out; its retry is refused with a 400.
        await service.SetFaultsAsync(new
        {
            timeout = new { rate = 1.0, hold_ms = 2500, execute = true, operations = new[] { "create" }, max_count = 1 },
            gateway_error = new { rate = 1.0, status = 400, operations = new[] { "create" }, max_count = 1 },
        });

        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(7100), respondAsync: true);

        var id = (string)(await ServiceFixture.ReadObjectAsync(response))["id"]!;
        var final = await service.WaitForChargeAsync(id, c => (string?)c["status"] != "pending");
        Assert.Equal("captured", (string?)final["status"]);
        Assert.Equal(1, await service.MovementsAsync(id, "capture"));
        Assert.Equal(7100, await service.LedgerCapturedAsync(id));
        await service.AssertLedgerBalancedAsync();
    }

    [Theory]
    [InlineData(400)]
    [InlineData(408)]
    public async Task Refusal_of_a_capture_replay_after_a_timeout_that_executed_ends_captured(int status)
    {
        using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(7200, capture: false));
        var id = (string)(await ServiceFixture.ReadObjectAsync(created))["id"]!;
        Assert.Equal("authorized", (string?)(await service.WaitForFinalAsync(id))["status"]);
        await service.SetFaultsAsync(new
        {
            timeout = new { rate = 1.0, hold_ms = 2500, execute = true, operations = new[] { "capture" }, max_count = 1 },
            gateway_error = new { rate = 1.0, status, operations = new[] { "capture" }, max_count = 1 },
        });

        using var capture = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/charges/{id}/capture", ChargeBodies.NewKey(), "{}");

        await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured");
        await Poll.UntilAsync(
            async () => await service.Database.ScalarAsync<string>("SELECT status FROM charge_operations WHERE charge_id = $1", id) != "pending",
            "the capture to end");
        Assert.Equal(1, await service.MovementsAsync(id, "capture"));
        Assert.Equal("succeeded", await service.Database.ScalarAsync<string>("SELECT status FROM charge_operations WHERE charge_id = $1", id));
        Assert.Equal(7200, await service.LedgerCapturedAsync(id));
    }

    [Fact]
    public async Task Gateway_500_without_the_replayed_header_while_the_first_create_runs_does_not_fail_the_charge()
    {
        // The first send is still running at the PSP (6 s); every retry meanwhile meets a gateway's 500.
        await service.SetFaultsAsync(new
        {
            timeout = new { rate = 1.0, hold_ms = 6000, execute = true, operations = new[] { "create" }, max_count = 1 },
            gateway_error = new { rate = 1.0, status = 500, operations = new[] { "create" }, max_count = 9 },
        });

        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(7300), respondAsync: true);

        var id = (string)(await ServiceFixture.ReadObjectAsync(response))["id"]!;
        var final = await service.WaitForChargeAsync(id, c => (string?)c["status"] != "pending");
        Assert.Equal("captured", (string?)final["status"]);
        Assert.Equal(1, await service.MovementsAsync(id, "capture"));
        Assert.Equal(7300, await service.LedgerCapturedAsync(id));
    }

    [Fact]
    public async Task Gateway_404_on_the_refund_list_is_not_proof_that_a_refund_did_not_happen()
    {
        using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(7400));
        var id = (string)(await ServiceFixture.ReadObjectAsync(created))["id"]!;
        Assert.Equal("captured", (string?)(await service.WaitForFinalAsync(id))["status"]);
        // Carried out, then a saved 500 (the key is settled); the list of refunds then meets a misrouted 404.
        await service.SetFaultsAsync(new
        {
            error_500_after = new { rate = 1.0, operations = new[] { "refund" }, max_count = 1 },
            gateway_error = new { rate = 1.0, status = 404, operations = new[] { "list_refunds" }, max_count = 3 },
        });

        using var refund = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/charges/{id}/refunds", ChargeBodies.NewKey(), """{"amount": 700}""");

        var refundId = (string)(await ServiceFixture.ReadObjectAsync(refund))["id"]!;
        await Poll.UntilAsync(
            async () => await service.Database.ScalarAsync<string>("SELECT status FROM refunds WHERE id = $1", refundId) != "pending",
            "the refund to end");
        Assert.Equal("succeeded", await service.Database.ScalarAsync<string>("SELECT status FROM refunds WHERE id = $1", refundId));
        Assert.Equal(1, await service.MovementsAsync(id, "refund"));
        await service.AssertLedgerBalancedAsync();
    }
}
