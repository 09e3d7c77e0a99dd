using System.Net;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Charges;

/// <summary>
/// Invariant 3: an ambiguous PSP answer is resolved by asking the PSP, never by guessing and
/// never by a second attempt under a new key. Each test ends by checking the PSP's truth.
/// </summary>
public sealed class UnknownOutcomeTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => service.ClearFaultsAsync();

    [Fact]
    public async Task Psp_timeout_then_late_execution_ends_captured_with_one_capture()
    {
        // Held past our 1 s patience (and the retries'), then carried out anyway.
        await service.SetFaultsAsync(new { timeout = new { rate = 1.0, hold_ms = 2500, execute = true, operations = new[] { "create" }, max_count = 1 } });

        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(4200));

        var charge = await ServiceFixture.ReadObjectAsync(response);
        var id = (string)charge["id"]!;
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("pending", (string?)charge["status"]);
        var final = await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured");
        Assert.Equal(4200, (long)final["amount_captured"]!);
        Assert.Equal(1, await service.MovementsAsync(id, "capture"));
        Assert.Single((await service.TruthAsync(id))["payment_intents"]!.AsArray());
        Assert.Equal(4200, await service.LedgerCapturedAsync(id));
        await service.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Psp_500_after_execution_is_resolved_by_reading_the_payment_intent()
    {
        await service.SetFaultsAsync(new { error_500_after = new { rate = 1.0, operations = new[] { "create" } } });

        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(4300));

        var id = (string)(await ServiceFixture.ReadObjectAsync(response))["id"]!;
        var pending = await service.WaitForChargeAsync(id, c => (string?)c["pending_reason"] == "outcome_unknown" || (string?)c["status"] == "captured");
        var final = await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured");
        Assert.Equal(4300, (long)final["amount_captured"]!);
        Assert.Equal(1, await service.MovementsAsync(id, "capture"));
        Assert.Single((await service.TruthAsync(id))["payment_intents"]!.AsArray());
        Assert.Equal(1, await service.OutboxCountAsync(id, "charge.captured"));
        Assert.NotNull(pending);
        await service.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Connection_reset_after_execution_ends_captured_with_one_capture()
    {
        await service.SetFaultsAsync(new { reset_after = new { rate = 1.0, operations = new[] { "create" }, max_count = 1 } });

        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(4400));

        var id = (string)(await ServiceFixture.ReadObjectAsync(response))["id"]!;
        var final = await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured");
        Assert.Equal(4400, (long)final["amount_captured"]!);
        Assert.Equal(1, await service.MovementsAsync(id, "capture"));
        Assert.Single((await service.TruthAsync(id))["payment_intents"]!.AsArray());
        await service.AssertLedgerBalancedAsync();
    }
}
