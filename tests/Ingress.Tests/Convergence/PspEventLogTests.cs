using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.Convergence;

/// <summary>
/// Changes made at the PSP directly (as its dashboard makes them) reach our records through the
/// PSP's event log when every webhook is lost: the contract's 60 s bound, with the reader's
/// default settings.
/// </summary>
public sealed class PspEventLogTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IAsyncLifetime
{
    private static readonly TimeSpan ContractBound = TimeSpan.FromSeconds(60);

    public Task InitializeAsync() => service.SetFaultsAsync(new { webhooks = new { drop_rate = 1.0 } });

    public Task DisposeAsync() => service.ClearFaultsAsync();

    [Fact]
    public async Task Capture_made_at_the_PSP_reaches_the_charge_with_every_webhook_dropped()
    {
        var (id, paymentIntent) = await AuthorizeAsync(7100);

        using var captured = await service.PspPostAsync($"/v1/payment_intents/{paymentIntent}/capture", "");

        Assert.True(captured.IsSuccessStatusCode, await captured.Content.ReadAsStringAsync());
        var charge = await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured", ContractBound);
        Assert.Equal(7100, (long)charge["amount_captured"]!);
        Assert.Equal(7100, await service.LedgerCapturedAsync(id));
        await AssertOneEventPerChangeAsync(id, "charge.pending", "charge.authorized", "charge.captured");
        await AssertCameThroughTheEventLogAsync(paymentIntent);
        await service.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Partial_capture_made_at_the_PSP_keeps_the_authorization_and_posts_what_was_captured()
    {
        var (id, paymentIntent) = await AuthorizeAsync(7200);

        using var captured = await service.PspPostAsync($"/v1/payment_intents/{paymentIntent}/capture", "amount_to_capture=3000");

        Assert.True(captured.IsSuccessStatusCode, await captured.Content.ReadAsStringAsync());
        var charge = await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured", ContractBound);
        Assert.Equal(3000, (long)charge["amount_captured"]!);
        Assert.Equal(7200, (long)charge["amount_authorized"]!);
        Assert.Equal(3000, await service.LedgerCapturedAsync(id));
        await AssertOneEventPerChangeAsync(id, "charge.pending", "charge.authorized", "charge.captured");
        await service.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Cancel_made_at_the_PSP_voids_the_charge_with_every_webhook_dropped()
    {
        var (id, paymentIntent) = await AuthorizeAsync(7300);

        using var canceled = await service.PspPostAsync($"/v1/payment_intents/{paymentIntent}/cancel", "");

        Assert.True(canceled.IsSuccessStatusCode, await canceled.Content.ReadAsStringAsync());
        var charge = await service.WaitForChargeAsync(id, c => (string?)c["status"] == "voided", ContractBound);
        Assert.Equal("requested", (string?)charge["cancellation_reason"]);
        Assert.Equal(0, (long)charge["amount_captured"]!);
        Assert.Equal(0, await service.LedgerCapturedAsync(id));
        await AssertOneEventPerChangeAsync(id, "charge.pending", "charge.authorized", "charge.voided");
        await AssertCameThroughTheEventLogAsync(paymentIntent);
    }

    [Fact]
    public async Task Refund_made_at_the_PSP_becomes_a_refund_of_the_charge_with_origin_psp_and_counts_against_what_is_left()
    {
        using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(8000));
        var charge = await ServiceFixture.ReadObjectAsync(created);
        var id = (string)charge["id"]!;
        Assert.Equal("captured", (string?)charge["status"]);

        using var refunded = await service.PspPostAsync("/v1/refunds", $"payment_intent={(string)charge["psp_reference"]!}&amount=1500");

        Assert.True(refunded.IsSuccessStatusCode, await refunded.Content.ReadAsStringAsync());
        var pspRefund = (string)(await ServiceFixture.ReadObjectAsync(refunded))["id"]!;
        await service.WaitForChargeAsync(id, c => (long)c["amount_refunded"]! == 1500, ContractBound);
        var refunds = (await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/charges/{id}/refunds")))["data"]!.AsArray();
        var recorded = Assert.Single(refunds)!;
        Assert.Equal("psp", (string?)recorded["origin"]);
        Assert.Equal("succeeded", (string?)recorded["status"]);
        Assert.Equal(1500, (long)recorded["amount"]!);
        Assert.Equal(pspRefund, (string?)recorded["psp_reference"]);
        await AssertOneEventPerChangeAsync(id, "charge.pending", "charge.captured", "refund.succeeded");
        Assert.Equal(1L, await service.Database.ScalarAsync<long>(
            "SELECT count(*) FROM ledger_journals WHERE reference = 'refund:' || $1", (string)recorded["id"]!));

        // What is left to refund is what the PSP has not refunded: the rest, by default.
        using var rest = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/charges/{id}/refunds", ChargeBodies.NewKey(), "{}");
        var ours = await ServiceFixture.ReadObjectAsync(rest);
        Assert.Equal(6500, (long)ours["amount"]!);
        Assert.Equal("api", (string?)ours["origin"]);
        await service.WaitForChargeAsync(id, c => (long)c["amount_refunded"]! == 8000, ContractBound);
        await service.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Changes_made_while_the_service_is_down_arrive_once_after_it_restarts()
    {
        var (first, firstIntent) = await AuthorizeAsync(7400);
        var (second, secondIntent) = await AuthorizeAsync(7500);
        await service.StopServiceAsync();

        using (var captured = await service.PspPostAsync($"/v1/payment_intents/{firstIntent}/capture", ""))
        using (var canceled = await service.PspPostAsync($"/v1/payment_intents/{secondIntent}/cancel", ""))
        {
            Assert.True(captured.IsSuccessStatusCode && canceled.IsSuccessStatusCode);
        }

        await service.StartServiceAsync();

        await service.WaitForChargeAsync(first, c => (string?)c["status"] == "captured", ContractBound);
        await service.WaitForChargeAsync(second, c => (string?)c["status"] == "voided", ContractBound);
        // A few more reads over the same part of the log change nothing.
        await Task.Delay(TimeSpan.FromSeconds(7));
        await AssertOneEventPerChangeAsync(first, "charge.pending", "charge.authorized", "charge.captured");
        await AssertOneEventPerChangeAsync(second, "charge.pending", "charge.authorized", "charge.voided");
        Assert.Equal(7400, await service.LedgerCapturedAsync(first));
        Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals WHERE charge_id = $1", first));
        await service.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task PaymentIntent_made_at_the_PSP_directly_is_recorded_as_unknown_and_never_attached_to_a_charge()
    {
        using var created = await service.PspPostAsync("/v1/payment_intents", "amount=2500&currency=usd&payment_method=pm_card_visa&confirm=true");
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var paymentIntent = (string)(await ServiceFixture.ReadObjectAsync(created))["id"]!;

        await Poll.UntilAsync(
            async () => await service.Database.ScalarAsync<long>(
                "SELECT count(*) FROM psp_webhook_events WHERE object_id = $1 AND source = 'event_log'", paymentIntent) > 0,
            $"the event log's events about {paymentIntent} to be read",
            ContractBound);

        Assert.Equal(0L, await service.Database.ScalarAsync<long>(
            "SELECT count(*) FROM psp_webhook_events WHERE object_id = $1 AND outcome <> 'unknown_object'", paymentIntent));
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE psp_reference = $1", paymentIntent));
    }

    private async Task<(string ChargeId, string PaymentIntent)> AuthorizeAsync(long amount)
    {
        using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(amount, capture: false));
        var charge = await ServiceFixture.ReadObjectAsync(created);
        Assert.Equal("authorized", (string?)charge["status"]);
        return ((string)charge["id"]!, (string)charge["psp_reference"]!);
    }

    /// <summary>One event per change, in order, its sequence counting 1, 2, 3 without gaps.</summary>
    private async Task AssertOneEventPerChangeAsync(string chargeId, params string[] types)
    {
        var events = await service.Database.ScalarAsync<string>(
            "SELECT string_agg(sequence || ':' || type, ',' ORDER BY sequence) FROM outbox WHERE charge_id = $1", chargeId);
        Assert.Equal(string.Join(',', types.Select((t, i) => $"{i + 1}:{t}")), events);
    }

    /// <summary>The webhooks were all dropped: what moved the charge was read from the PSP's event log.</summary>
    private async Task AssertCameThroughTheEventLogAsync(string paymentIntent)
    {
        Assert.True(await service.Database.ScalarAsync<long>(
            "SELECT count(*) FROM psp_webhook_events WHERE object_id = $1 AND source = 'event_log' AND outcome = 'applied'", paymentIntent) > 0);
        Assert.Equal(0L, await service.Database.ScalarAsync<long>(
            "SELECT count(*) FROM psp_webhook_events WHERE object_id = $1 AND source = 'webhook'", paymentIntent));
    }
}
