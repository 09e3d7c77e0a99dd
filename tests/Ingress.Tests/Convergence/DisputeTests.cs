using System.Net;
using System.Net.Http.Json;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Convergence;

/// <summary>
/// Disputes opened and decided at the PSP reach our records (the charge, our dispute object, events
/// in the charge's sequence, journals) with every PSP webhook sent three times and out of order,
/// and a refund is refused while a dispute is open without anything reaching the PSP.
/// </summary>
public sealed class DisputeTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IAsyncLifetime
{
    private const long DisputeFee = 1500;
    private static readonly TimeSpan ContractBound = TimeSpan.FromSeconds(60);

    public Task InitializeAsync() => service.SetFaultsAsync(new { webhooks = new { duplicate_rate = 1.0, duplicate_copies = 3, reorder_rate = 0.5 } });

    public Task DisposeAsync() => service.ClearFaultsAsync();

    [Fact]
    public async Task Dispute_won_gives_the_amount_back_keeps_the_fee_and_blocks_refunds_only_while_open()
    {
        var (id, paymentIntent) = await CaptureAsync(9000);
        var pspDispute = await OpenAtThePspAsync(paymentIntent);

        var charge = await service.WaitForChargeAsync(id, c => c["dispute"] is not null, ContractBound);
        Assert.Equal(9000, (long)charge["amount_disputed"]!);
        var disputeId = (string)charge["dispute"]!;
        using (var refused = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/charges/{id}/refunds", ChargeBodies.NewKey(), "{}"))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("charge_disputed", (string?)(await ServiceFixture.ReadObjectAsync(refused))["code"]);
        }

        Assert.Equal(0, await service.MovementsAsync(id, "refund"));
        await MoveAtThePspAsync($"/_sim/disputes/{pspDispute}/under_review", null);
        await WaitForDisputeAsync(disputeId, "under_review");
        await MoveAtThePspAsync($"/_sim/disputes/{pspDispute}/close", new { status = "won" });
        var dispute = await WaitForDisputeAsync(disputeId, "won");

        Assert.Equal(id, (string?)dispute["charge"]);
        Assert.Equal(9000, (long)dispute["amount"]!);
        Assert.Equal(DisputeFee, (long)dispute["fee"]!);
        Assert.Equal("USD", (string?)dispute["currency"]);
        await AssertEventsAsync(id, "charge.pending", "charge.captured", "dispute.created", "dispute.updated", "dispute.won");
        await AssertJournalsAsync(id, $"capture:{id}", $"dispute:{disputeId}", $"dispute_won:{disputeId}");
        Assert.Equal(9000 - await PlatformFeeAsync(id) - DisputeFee, await MerchantPayableAsync(id));

        // Closed, the charge can be refunded again.
        using var refund = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/charges/{id}/refunds", ChargeBodies.NewKey(), "{\"amount\": 1000}");
        Assert.True(refund.IsSuccessStatusCode, await refund.Content.ReadAsStringAsync());
        await service.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Dispute_lost_takes_the_amount_and_the_fee_from_the_merchant_for_good()
    {
        var (id, paymentIntent) = await CaptureAsync(5000);
        var pspDispute = await OpenAtThePspAsync(paymentIntent);
        var charge = await service.WaitForChargeAsync(id, c => c["dispute"] is not null, ContractBound);
        var disputeId = (string)charge["dispute"]!;

        await MoveAtThePspAsync($"/_sim/disputes/{pspDispute}/close", new { status = "lost" });

        await WaitForDisputeAsync(disputeId, "lost");
        await AssertEventsAsync(id, "charge.pending", "charge.captured", "dispute.created", "dispute.lost");
        await AssertJournalsAsync(id, $"capture:{id}", $"dispute:{disputeId}");
        Assert.Equal(5000 - await PlatformFeeAsync(id) - 5000 - DisputeFee, await MerchantPayableAsync(id));
        using var refund = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/charges/{id}/refunds", ChargeBodies.NewKey(), "{}");
        Assert.Equal("refund_exceeds_captured", (string?)(await ServiceFixture.ReadObjectAsync(refund))["code"]);
        var listed = await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/disputes?charge={id}"));
        Assert.Equal(disputeId, (string?)Assert.Single(listed["data"]!.AsArray())!["id"]);
        await service.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Capture_and_refund_made_at_the_PSP_arrive_once_each_through_triplicated_reordered_webhooks()
    {
        using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(6600, capture: false));
        var authorized = await ServiceFixture.ReadObjectAsync(created);
        var id = (string)authorized["id"]!;
        var paymentIntent = (string)authorized["psp_reference"]!;

        using (var captured = await service.PspPostAsync($"/v1/payment_intents/{paymentIntent}/capture", "amount_to_capture=6000"))
        {
            Assert.True(captured.IsSuccessStatusCode, await captured.Content.ReadAsStringAsync());
        }

        await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured", ContractBound);
        using (var refunded = await service.PspPostAsync("/v1/refunds", $"payment_intent={paymentIntent}&amount=2500"))
        {
            Assert.True(refunded.IsSuccessStatusCode, await refunded.Content.ReadAsStringAsync());
        }

        var charge = await service.WaitForChargeAsync(id, c => (long)c["amount_refunded"]! == 2500, ContractBound);
        // Later copies and the event log's reads of the same events change nothing.
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Equal(6000, (long)charge["amount_captured"]!);
        await AssertEventsAsync(id, "charge.pending", "charge.authorized", "charge.captured", "refund.succeeded");
        // What the PSP holds for the charge, by our ledger: captured less refunded.
        Assert.Equal(6000 - 2500, await service.LedgerCapturedAsync(id));
        Assert.Equal(2L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals WHERE charge_id = $1", id));
        await service.AssertLedgerBalancedAsync();
    }

    private async Task<(string ChargeId, string PaymentIntent)> CaptureAsync(long amount)
    {
        using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(amount));
        var charge = await ServiceFixture.ReadObjectAsync(created);
        Assert.Equal("captured", (string?)charge["status"]);
        return ((string)charge["id"]!, (string)charge["psp_reference"]!);
    }

    private async Task<string> OpenAtThePspAsync(string paymentIntent)
    {
        using var opened = await service.Simulator.PostAsJsonAsync("/_sim/disputes", new { payment_intent = paymentIntent });
        Assert.True(opened.IsSuccessStatusCode, await opened.Content.ReadAsStringAsync());
        return (string)(await ServiceFixture.ReadObjectAsync(opened))["id"]!;
    }

    private async Task MoveAtThePspAsync(string path, object? body)
    {
        using var moved = body is null ? await service.Simulator.PostAsync(path, null) : await service.Simulator.PostAsJsonAsync(path, body);
        Assert.True(moved.IsSuccessStatusCode, await moved.Content.ReadAsStringAsync());
    }

    private Task<System.Text.Json.Nodes.JsonObject> WaitForDisputeAsync(string disputeId, string status) =>
        Payments.Testing.Poll.UntilAsync(
            async () => await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/disputes/{disputeId}")),
            d => (string?)d["status"] == status,
            d => $"dispute {disputeId} did not become {status}; last seen {d.ToJsonString()}",
            ContractBound);

    private async Task AssertEventsAsync(string chargeId, params string[] types)
    {
        var events = await service.Database.ScalarAsync<string>(
            "SELECT string_agg(sequence || ':' || type, ',' ORDER BY sequence) FROM outbox WHERE charge_id = $1", chargeId);
        Assert.Equal(string.Join(',', types.Select((t, i) => $"{i + 1}:{t}")), events);
    }

    private async Task AssertJournalsAsync(string chargeId, params string[] references)
    {
        var journals = await service.Database.ScalarAsync<string>(
            "SELECT string_agg(reference, ',' ORDER BY id) FROM ledger_journals WHERE charge_id = $1", chargeId);
        Assert.Equal(string.Join(',', references), journals);
    }

    private async Task<long> PlatformFeeAsync(string chargeId) =>
        -await service.Database.ScalarAsync<long>("""
            SELECT coalesce(sum(e.amount), 0)::bigint
            FROM ledger_entries AS e JOIN ledger_journals AS j ON j.id = e.journal_id
            WHERE j.charge_id = $1 AND e.account_id = 'platform_fee_revenue'
            """, chargeId);

    /// <summary>What the platform owes the merchant for this charge: its payable's credit balance.</summary>
    private async Task<long> MerchantPayableAsync(string chargeId) =>
        -await service.Database.ScalarAsync<long>("""
            SELECT coalesce(sum(e.amount), 0)::bigint
            FROM ledger_entries AS e JOIN ledger_journals AS j ON j.id = e.journal_id
            WHERE j.charge_id = $1 AND e.account_id LIKE 'merchant_payable:%'
            """, chargeId);
}
