using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.PspWebhooks;

/// <summary>Changes made at the PSP itself (a dashboard capture or cancel) reach our rows through its webhooks, forward only.</summary>
public sealed class PspSideChangeTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Capture_at_the_psp_reaches_the_charge_by_webhook_with_its_journal()
    {
        var (id, pi) = await AuthorizeAsync(2200);

        using var captured = await service.PspPostAsync($"/v1/payment_intents/{pi}/capture", "amount_to_capture=2000");

        Assert.True(captured.IsSuccessStatusCode, await captured.Content.ReadAsStringAsync());
        var charge = await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured");
        Assert.Equal(2000, (long)charge["amount_captured"]!);
        Assert.Equal(2200, (long)charge["amount_authorized"]!);
        Assert.Equal(2000, await service.LedgerCapturedAsync(id));
        Assert.Equal(1, await service.OutboxCountAsync(id, "charge.captured"));
        await service.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Cancel_at_the_psp_reaches_the_charge_by_webhook_as_voided()
    {
        var (id, pi) = await AuthorizeAsync(1800);

        using var canceled = await service.PspPostAsync($"/v1/payment_intents/{pi}/cancel", "");

        Assert.True(canceled.IsSuccessStatusCode, await canceled.Content.ReadAsStringAsync());
        await service.WaitForChargeAsync(id, c => (string?)c["status"] == "voided");
        Assert.Equal(1, await service.OutboxCountAsync(id, "charge.voided"));
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals WHERE charge_id = $1", id));
    }

    private async Task<(string Id, string PaymentIntent)> AuthorizeAsync(long amount)
    {
        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(amount, capture: false));
        var charge = await ServiceFixture.ReadObjectAsync(response);
        Assert.Equal("authorized", (string?)charge["status"]);
        return ((string)charge["id"]!, (string)charge["psp_reference"]!);
    }
}
