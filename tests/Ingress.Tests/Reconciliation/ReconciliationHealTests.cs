using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Reconciliation;

/// <summary>The service hears nothing from the PSP but its answers: no webhooks, no event log reader.</summary>
public sealed class DeafServiceFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["PspEvents:Enabled"] = "false",
        // Runs are asked for by the test: the worker must not take the day first.
        ["Reconciliation:Enabled"] = "false",
    };
}

/// <summary>
/// What the service missed (a capture, a refund and a dispute made at the PSP, with every webhook
/// lost and the event log unread) is healed by the day's reconciliation through the lifecycle, and
/// a PaymentIntent made at the PSP directly is reported, never attached.
/// </summary>
public sealed class ReconciliationHealTests(DeafServiceFixture service) : IClassFixture<DeafServiceFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => service.SetFaultsAsync(new { webhooks = new { drop_rate = 1.0 } });

    public Task DisposeAsync() => service.ClearFaultsAsync();

    [Fact]
    public async Task Run_heals_a_missed_capture_refund_and_dispute_and_reports_a_PaymentIntent_made_at_the_PSP()
    {
        using var authorized = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(6000, capture: false));
        var missedCapture = await ServiceFixture.ReadObjectAsync(authorized);
        using var captured = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(9000));
        var missedRefundAndDispute = await ServiceFixture.ReadObjectAsync(captured);
        await PspAsync(service.PspPostAsync($"/v1/payment_intents/{missedCapture["psp_reference"]}/capture", ""));
        await PspAsync(service.PspPostAsync("/v1/refunds", $"payment_intent={missedRefundAndDispute["psp_reference"]}&amount=1500"));
        await PspAsync(service.Simulator.PostAsJsonAsync("/_sim/disputes", new { payment_intent = (string)missedRefundAndDispute["psp_reference"]!, amount = 3000 }));
        var made = await PspAsync(service.PspPostAsync("/v1/payment_intents", "amount=2500&currency=usd&payment_method=pm_card_visa&confirm=true"));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal("authorized", (string?)(await ChargeAsync((string)missedCapture["id"]!))["status"]);
        Assert.Equal(0, (long)(await ChargeAsync((string)missedRefundAndDispute["id"]!))["amount_refunded"]!);
        using var closed = await service.Simulator.PostAsync("/_sim/settlement/close", null);
        var date = (string)(await ServiceFixture.ReadObjectAsync(closed))["date"]!;

        using var client = service.ClientFor(ServiceFixture.OperatorKey);
        using var response = await ServiceFixture.PostJsonAsync(client, "/v1/reconciliation/runs", ChargeBodies.NewKey(), $"{{\"date\": \"{date}\"}}");
        var run = await ServiceFixture.ReadObjectAsync(response);

        Assert.Equal("completed", (string?)run["status"]);
        Assert.Equal(3, (int)run["healed"]!);
        // What the service did see in the same report (its own capture of the refunded and disputed charge) is matched.
        Assert.True((int)run["matched"]! >= 1, run.ToJsonString());
        var capturedNow = await ChargeAsync((string)missedCapture["id"]!);
        Assert.Equal(("captured", 6000L), ((string?)capturedNow["status"], (long)capturedNow["amount_captured"]!));
        var refundedNow = await ChargeAsync((string)missedRefundAndDispute["id"]!);
        Assert.Equal((1500L, 3000L), ((long)refundedNow["amount_refunded"]!, (long)refundedNow["amount_disputed"]!));
        var healed = await DiscrepanciesAsync(client, "healed");
        Assert.Equal(["missed_capture", "missed_dispute", "missed_refund"], healed.Select(d => (string)d!["kind"]!).Order());
        var open = await DiscrepanciesAsync(client, "open");
        var unknown = Assert.Single(open, d => (string?)d!["kind"] == "unknown_at_psp")!;
        Assert.Equal((string?)made["id"], (string?)unknown["psp_reference"]);
        // The PaymentIntent made at the PSP directly moved money we have no record of: the balances differ by it, and say so.
        var mismatch = Assert.Single(open, d => (string?)d!["kind"] == "balance_mismatch")!;
        var unknownNet = await service.Database.ScalarAsync<long>("SELECT net FROM settlement_lines WHERE payment_intent_id = $1", (string)made["id"]!);
        Assert.Equal(unknownNet, (long)mismatch["reported"]!["amount"]! - (long)mismatch["expected"]!["amount"]!);
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE psp_reference = $1", (string)made["id"]!));
        await service.AssertLedgerBalancedAsync();
    }

    private async Task<JsonObject> ChargeAsync(string id) => await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/charges/{id}"));

    private static async Task<JsonArray> DiscrepanciesAsync(HttpClient client, string status) =>
        (await ServiceFixture.ReadObjectAsync(await client.GetAsync($"/v1/reconciliation/discrepancies?status={status}&limit=100")))["data"]!.AsArray();

    private static async Task<JsonObject> PspAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await ServiceFixture.ReadObjectAsync(response);
    }
}
