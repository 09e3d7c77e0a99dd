using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.ExactlyOnce;

/// <summary>
/// A verified PSP webhook is only a trigger to read the PaymentIntent; that read must happen even
/// when it fails the first time or the process cannot take it at once, since redeliveries of the
/// same event are answered as duplicates and authorized charges are otherwise never looked at.
/// </summary>
public sealed class WebhookFollowUpTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => service.ClearFaultsAsync();

    [Fact]
    public async Task Capture_at_the_PSP_reaches_an_authorized_charge_when_the_read_after_its_webhook_fails()
    {
        using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(9100, capture: false));
        var charge = await ServiceFixture.ReadObjectAsync(created);
        var id = (string)charge["id"]!;
        Assert.Equal("authorized", (string?)charge["status"]);
        // The read the webhook triggers fails, retries included.
        await service.SetFaultsAsync(new { error_500_before = new { rate = 1.0, operations = new[] { "retrieve" }, max_count = 3 } });

        using var captured = await service.PspPostAsync($"/v1/payment_intents/{(string)charge["psp_reference"]!}/capture", "");

        Assert.True(captured.IsSuccessStatusCode, await captured.Content.ReadAsStringAsync());
        await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured");
        Assert.Equal(9100, await service.LedgerCapturedAsync(id));
        Assert.Equal(1, await service.OutboxCountAsync(id, "charge.captured"));
        await service.AssertLedgerBalancedAsync();
    }
}
