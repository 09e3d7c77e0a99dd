using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.Payouts;

/// <summary>Its own PSP day: the test closes it and reconciles it, so the capture becomes available.</summary>
public sealed class SplitBalanceFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["Reconciliation:Enabled"] = "false",
        ["Payouts:PollInterval"] = "00:00:00.500",
    };

    protected override IReadOnlyDictionary<string, string?> SimulatorSettings => new Dictionary<string, string?>
    {
        ["Simulator:Settlement:AvailableOnDays"] = "0",
    };
}

/// <summary>
/// The README's worked example, to the minor unit, through the balances the merchant reads: a charge
/// of 10,000 (platform fee 250 bps + 10 = 260) split 3,333 and 2,000 between two sellers, pending until
/// its day is reconciled, then refunded 1,001 and disputed 4,000 (the PSP's fee 1,500 from the merchant
/// alone); seller A is paid out what it has left; the dispute is won.
/// </summary>
public sealed class SplitBalanceTests(SplitBalanceFixture service) : IClassFixture<SplitBalanceFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Split_charge_captured_refunded_disputed_and_paid_out_leaves_each_balance_as_the_worked_example_says()
    {
        var a = await CreateSellerAsync("Seller A");
        var b = await CreateSellerAsync("Seller B");
        var body = new JsonObject
        {
            ["amount"] = 10_000, ["currency"] = "USD", ["payment_method"] = "pm_card_visa", ["capture"] = true,
            ["splits"] = new JsonArray(new JsonObject { ["seller"] = a, ["amount"] = 3333 }, new JsonObject { ["seller"] = b, ["amount"] = 2000 }),
        };
        using var created = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", ChargeBodies.NewKey(), body.ToJsonString());
        var charge = await ServiceFixture.ReadObjectAsync(created);
        Assert.Equal("captured", (string?)charge["status"]);
        var chargeId = (string)charge["id"]!;

        // Captured, not yet settled: everything pending.
        await AssertBalancesAsync((0, 3333), (0, 2000), (0, 4407));

        await ReconcileTodayAsync();
        await AssertBalancesAsync((3333, 0), (2000, 0), (4407, 0));

        // Refund 1,001: A gives floor(1,001 × 3,333 / 10,000) = 333, B floor(200.2) = 200, the merchant the other 468.
        using (var refund = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/charges/{chargeId}/refunds", ChargeBodies.NewKey(), "{\"amount\": 1001}"))
        {
            Assert.True(refund.IsSuccessStatusCode, await refund.Content.ReadAsStringAsync());
        }

        await service.WaitForChargeAsync(chargeId, c => (long)c["amount_refunded"]! == 1001, Bound);
        await AssertBalancesAsync((3000, 0), (1800, 0), (3939, 0));

        // Dispute 4,000: A gives floor(1,333.2) = 1,333, B 800, the merchant 1,867 and the PSP's fee 1,500.
        using var opened = await service.Simulator.PostAsJsonAsync("/_sim/disputes", new { payment_intent = (string)charge["psp_reference"]!, amount = 4000 });
        Assert.True(opened.IsSuccessStatusCode, await opened.Content.ReadAsStringAsync());
        var pspDispute = (string)(await ServiceFixture.ReadObjectAsync(opened))["id"]!;
        await service.WaitForChargeAsync(chargeId, c => (long)c["amount_disputed"]! == 4000, Bound);
        await AssertBalancesAsync((1667, 0), (1000, 0), (572, 0));

        // Seller A is paid what it has, exactly once.
        using var payoutResponse = await PayoutFixture.PostPayoutAsync(service.Merchant, ChargeBodies.NewKey(), amount: null, seller: a);
        var payout = await ServiceFixture.ReadObjectAsync(payoutResponse);
        Assert.True(payoutResponse.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted, payout.ToJsonString());
        Assert.Equal(1667, (long)payout["amount"]!);
        Assert.Equal(a, (string?)payout["seller"]);
        await PayoutFixture.WaitForPayoutAsync(service.Merchant, (string)payout["id"]!, "paid");
        var counts = (await service.TruthAsync())["counts_by_payout_id"]![(string)payout["id"]!]!;
        Assert.Equal(1, (int)counts["payout"]!);
        Assert.Equal("ba_seller_a", (string?)(await service.TruthAsync())["payouts"]!.AsArray().Single(p => (string?)p!["metadata"]!["payout_id"] == (string)payout["id"]!)!["destination"]);
        await AssertBalancesAsync((0, 0), (1000, 0), (572, 0));
        var sellersPayouts = await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/payouts?seller={a}"));
        Assert.Equal((string)payout["id"]!, (string)Assert.Single(sellersPayouts["data"]!.AsArray())!["id"]!);
        Assert.Empty((await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/payouts?seller={b}")))["data"]!.AsArray());

        // Won: the 4,000 comes back the same way (1,333, 800, 1,867); the fee does not.
        using (var won = await service.Simulator.PostAsJsonAsync($"/_sim/disputes/{pspDispute}/close", new { status = "won" }))
        {
            Assert.True(won.IsSuccessStatusCode, await won.Content.ReadAsStringAsync());
        }

        await Poll.UntilAsync(
            async () => await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/disputes?charge={chargeId}")),
            list => (string?)list["data"]![0]!["status"] == "won",
            list => $"the dispute was not won: {list.ToJsonString()}",
            Bound);
        await AssertBalancesAsync((1333, 0), (1800, 0), (2439, 0));

        await service.AssertLedgerBalancedAsync();
        using var operatorClient = service.ClientFor(ServiceFixture.OperatorKey);
        var ledger = await ServiceFixture.ReadObjectAsync(await operatorClient.GetAsync("/v1/ledger/balances"));
        Assert.Equal(0, ledger["data"]!.AsArray().Where(e => (string?)e!["currency"] == "USD").Sum(e => (long)e!["balance"]!));
    }

    private async Task<string> CreateSellerAsync(string name)
    {
        var bankAccount = "ba_" + name.ToLowerInvariant().Replace(' ', '_');
        using var response = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/sellers", ChargeBodies.NewKey(), $"{{\"name\": \"{name}\", \"bank_account\": \"{bankAccount}\"}}");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await ServiceFixture.ReadObjectAsync(response))["id"]!;
    }

    private async Task ReconcileTodayAsync()
    {
        using var closed = await service.Simulator.PostAsync("/_sim/settlement/close", null);
        var date = (string)(await ServiceFixture.ReadObjectAsync(closed))["date"]!;
        using var operatorClient = service.ClientFor(ServiceFixture.OperatorKey);
        using var run = await ServiceFixture.PostJsonAsync(operatorClient, "/v1/reconciliation/runs", ChargeBodies.NewKey(), $"{{\"date\": \"{date}\"}}");
        var completed = await ServiceFixture.ReadObjectAsync(run);
        Assert.True((string?)completed["status"] == "completed" && (int)completed["discrepancies"]! == 0, completed.ToJsonString());
    }

    /// <summary>(available, pending) in USD of seller A, seller B and the merchant, in that order.</summary>
    private async Task AssertBalancesAsync((long, long) sellerA, (long, long) sellerB, (long, long) merchant)
    {
        var sellers = await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync("/v1/sellers?limit=10"));
        var ids = sellers["data"]!.AsArray().OrderBy(s => (string)s!["name"]!, StringComparer.Ordinal).Select(s => (string)s!["id"]!).ToList();
        Assert.Equal(sellerA, await BalanceAsync($"/v1/sellers/{ids[0]}/balance"));
        Assert.Equal(sellerB, await BalanceAsync($"/v1/sellers/{ids[1]}/balance"));
        Assert.Equal(merchant, await BalanceAsync("/v1/balance"));
    }

    private async Task<(long Available, long Pending)> BalanceAsync(string path)
    {
        var balance = await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync(path));
        long Of(string state) => balance[state]!.AsArray().Where(b => (string?)b!["currency"] == "USD").Select(b => (long)b!["amount"]!).SingleOrDefault();
        return (Of("available"), Of("pending"));
    }
}
