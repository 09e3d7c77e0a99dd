using System.Net;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Convergence;

/// <summary>
/// An authorization the PSP let expire (its clock moved past <c>capture_before</c>) voids the charge
/// as <c>expired</c>, with every webhook lost; a capture after that, or racing it, never captures.
/// A fixture of its own: moving the PSP's clock by days must not touch other tests.
/// </summary>
public sealed class AuthorizationExpiryTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IAsyncLifetime
{
    private const double PastTheValidity = (7 * 86_400) + 60;

    public Task InitializeAsync() => service.SetFaultsAsync(new { webhooks = new { drop_rate = 1.0 } });

    public Task DisposeAsync() => service.ClearFaultsAsync();

    [Fact]
    public async Task Expired_authorization_voids_the_charge_as_expired_and_a_later_capture_answers_409_without_calling_the_PSP()
    {
        var id = await AuthorizeAsync(6100);

        await AdvancePspClockAsync();

        var charge = await service.WaitForChargeAsync(id, c => (string?)c["status"] == "voided", TimeSpan.FromSeconds(60));
        Assert.Equal("expired", (string?)charge["cancellation_reason"]);
        using var capture = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/charges/{id}/capture", ChargeBodies.NewKey(), "{}");
        Assert.Equal(HttpStatusCode.Conflict, capture.StatusCode);
        Assert.Equal("invalid_state", (string?)(await ServiceFixture.ReadObjectAsync(capture))["code"]);
        Assert.Equal(0, await service.MovementsAsync(id, "capture"));
        Assert.Equal(0, await service.LedgerCapturedAsync(id));
        Assert.Equal(1L, await service.OutboxCountAsync(id, "charge.voided"));
    }

    [Fact]
    public async Task Capture_racing_the_expiry_captures_nothing_and_the_charge_ends_voided_as_expired()
    {
        var id = await AuthorizeAsync(6200);
        await AdvancePspClockAsync();

        // Sent before the reader or a webhook could tell us: the PSP finds it expired.
        using var capture = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/charges/{id}/capture", ChargeBodies.NewKey(), "{}");

        Assert.Equal(HttpStatusCode.Conflict, capture.StatusCode);
        Assert.Equal("invalid_state", (string?)(await ServiceFixture.ReadObjectAsync(capture))["code"]);
        var charge = await service.WaitForChargeAsync(id, c => (string?)c["status"] == "voided", TimeSpan.FromSeconds(60));
        Assert.Equal("expired", (string?)charge["cancellation_reason"]);
        Assert.Equal(0, (long)charge["amount_captured"]!);
        Assert.Equal(0, await service.MovementsAsync(id, "capture"));
        Assert.Equal(0, await service.LedgerCapturedAsync(id));
        await service.AssertLedgerBalancedAsync();
    }

    private async Task<string> AuthorizeAsync(long amount)
    {
        using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(amount, capture: false));
        var charge = await ServiceFixture.ReadObjectAsync(created);
        Assert.Equal("authorized", (string?)charge["status"]);
        return (string)charge["id"]!;
    }

    private async Task AdvancePspClockAsync()
    {
        using var advanced = await service.Simulator.PostAsync($"/_sim/clock/advance?seconds={PastTheValidity}", null);
        Assert.True(advanced.IsSuccessStatusCode, await advanced.Content.ReadAsStringAsync());
    }
}
