using System.Net;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Splits;

/// <summary>
/// Capturing a split charge: an authorization of 10,000 split 3,333 and 2,000 (5,333) for the demo
/// merchant (fee 250 bps + 10). A capture of 5,480 pays a fee of 147 and leaves exactly 5,333; a
/// capture of 5,479 (fee 147 too) would leave 5,332 and is refused before anything is recorded or
/// sent. A capture made at the PSP directly cannot be refused: its journal still balances.
/// </summary>
public sealed class SplitCaptureTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private static readonly TimeSpan ContractBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Capture_leaving_less_than_the_splits_and_fee_is_refused_and_nothing_is_recorded_or_sent()
    {
        var (id, a, b) = await AuthorizeAsync();
        var key = ChargeBodies.NewKey();

        using var refused = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/charges/{id}/capture", key, """{"amount": 5479}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("amount_below_splits", (string?)(await ServiceFixture.ReadObjectAsync(refused))["code"]);
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charge_operations WHERE charge_id = $1", id));
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals WHERE charge_id = $1", id));
        Assert.Equal("authorized", await service.Database.ScalarAsync<string>("SELECT status FROM charges WHERE id = $1", id));
        Assert.Equal(0, await service.MovementsAsync(id, "capture"));

        // Nothing was bound to the key either: the same key may now carry a capture that fits.
        using var captured = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/charges/{id}/capture", key, """{"amount": 5480}""");
        Assert.Equal(HttpStatusCode.OK, captured.StatusCode);
        Assert.Equal(5480, (long)(await ServiceFixture.ReadObjectAsync(captured))["amount_captured"]!);
        Assert.Equal(1, await service.MovementsAsync(id, "capture"));
        var journal = (await SplitSupport.JournalsAsync(service, id))[$"capture:{id}"];
        // 5,480 − 147 − 5,333 = 0: the merchant gets nothing, and a zero entry is not posted.
        Assert.Equal(
            new Dictionary<string, long>
            {
                ["psp_receivable"] = 5480,
                ["seller_payable:" + a] = -3333,
                ["seller_payable:" + b] = -2000,
                ["platform_fee_revenue"] = -147,
            },
            journal);
        await service.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Capture_made_at_the_PSP_for_less_than_the_splits_pays_the_sellers_and_leaves_the_merchant_owing()
    {
        var (id, a, b) = await AuthorizeAsync();
        var paymentIntent = await service.Database.ScalarAsync<string>("SELECT psp_reference FROM charges WHERE id = $1", id);

        using (var captured = await service.PspPostAsync($"/v1/payment_intents/{paymentIntent}/capture", "amount_to_capture=3000"))
        {
            Assert.True(captured.IsSuccessStatusCode, await captured.Content.ReadAsStringAsync());
        }

        await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured", ContractBound);
        var merchant = await SplitSupport.MerchantOfAsync(service, id);
        var journal = (await SplitSupport.JournalsAsync(service, id))[$"capture:{id}"];
        // Fee on 3,000: 75 + 10 = 85. The merchant's entry is the rest: −(3,000 − 85 − 5,333) = +2,418, a debit.
        Assert.Equal(
            new Dictionary<string, long>
            {
                ["psp_receivable"] = 3000,
                ["seller_payable:" + a] = -3333,
                ["seller_payable:" + b] = -2000,
                ["merchant_payable:" + merchant] = 2418,
                ["platform_fee_revenue"] = -85,
            },
            journal);
        Assert.Equal(0, journal.Values.Sum());
        await service.AssertLedgerBalancedAsync();
    }

    private async Task<(string ChargeId, string A, string B)> AuthorizeAsync()
    {
        var a = await SplitSupport.CreateSellerAsync(service.Merchant, "A");
        var b = await SplitSupport.CreateSellerAsync(service.Merchant, "B");
        using var created = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", ChargeBodies.NewKey(), SplitSupport.ChargeJson(10_000, capture: false, (a, 3333), (b, 2000)));
        var charge = await ServiceFixture.ReadObjectAsync(created);
        Assert.Equal("authorized", (string?)charge["status"]);
        return ((string)charge["id"]!, a, b);
    }
}
