using System.Net;
using System.Net.Http.Json;
using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.Splits;

/// <summary>
/// The worked example of the README's ledger table, on the demo merchant (fee 250 bps + 10): a charge
/// of 10,000 split A 3,333 and B 2,000, captured (fee 260), refunded 1,001, then disputed at the PSP
/// for 4,000 (the simulator's dispute fee: 1,500). Every seller's part rounds down, the merchant
/// takes the rest:
/// <code>
///                    psp_receivable  seller A  seller B  merchant  platform_fee_revenue
/// capture 10,000          +10,000    −3,333    −2,000    −4,407        −260
/// refund   1,001           −1,001      +333      +200      +468
/// dispute  4,000 + 1,500   −5,500    +1,333      +800    +3,367
/// dispute won              +4,000    −1,333      −800    −1,867
/// </code>
/// </summary>
internal sealed record SplitScenario(string ChargeId, string Merchant, string A, string B, string PspDispute, string DisputeId)
{
    public const long DisputeFee = 1500;
    private static readonly TimeSpan ContractBound = TimeSpan.FromSeconds(60);

    public string MerchantPayable => "merchant_payable:" + Merchant;

    public string SellerA => "seller_payable:" + A;

    public string SellerB => "seller_payable:" + B;

    /// <summary>Captured, partly refunded and disputed, each movement recorded.</summary>
    public static async Task<SplitScenario> RunAsync(ServiceFixture service)
    {
        var a = await SplitSupport.CreateSellerAsync(service.Merchant, "A");
        var b = await SplitSupport.CreateSellerAsync(service.Merchant, "B");
        using var created = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", ChargeBodies.NewKey(), SplitSupport.ChargeJson(10_000, capture: true, (a, 3333), (b, 2000)));
        var charge = await ServiceFixture.ReadObjectAsync(created);
        Assert.Equal("captured", (string?)charge["status"]);
        var id = (string)charge["id"]!;

        using (var refund = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/charges/{id}/refunds", ChargeBodies.NewKey(), """{"amount": 1001}"""))
        {
            Assert.Equal(HttpStatusCode.Created, refund.StatusCode);
        }

        using var opened = await service.Simulator.PostAsJsonAsync("/_sim/disputes", new { payment_intent = (string)charge["psp_reference"]!, amount = 4000 });
        Assert.True(opened.IsSuccessStatusCode, await opened.Content.ReadAsStringAsync());
        var pspDispute = (string)(await ServiceFixture.ReadObjectAsync(opened))["id"]!;
        var disputed = await service.WaitForChargeAsync(id, c => c["dispute"] is not null, ContractBound);
        return new SplitScenario(id, await SplitSupport.MerchantOfAsync(service, id), a, b, pspDispute, (string)disputed["dispute"]!);
    }

    /// <summary>Closes the dispute at the PSP and waits until ours follows.</summary>
    public async Task CloseAsync(ServiceFixture service, string status)
    {
        using (var closed = await service.Simulator.PostAsJsonAsync($"/_sim/disputes/{PspDispute}/close", new { status }))
        {
            Assert.True(closed.IsSuccessStatusCode, await closed.Content.ReadAsStringAsync());
        }

        await Poll.UntilAsync(
            async () => await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/disputes/{DisputeId}")),
            d => (string?)d["status"] == status,
            d => $"dispute {DisputeId} did not become {status}; last seen {d.ToJsonString()}",
            ContractBound);
    }

    /// <summary>The journals of capture, refund and dispute, entry by entry, each summing to zero.</summary>
    public async Task AssertFirstJournalsAsync(Dictionary<string, Dictionary<string, long>> journals, ServiceFixture service)
    {
        var refundId = await service.Database.ScalarAsync<string>("SELECT id FROM refunds WHERE charge_id = $1", ChargeId);
        Assert.Equal(
            new Dictionary<string, long> { ["psp_receivable"] = 10_000, [SellerA] = -3333, [SellerB] = -2000, [MerchantPayable] = -4407, ["platform_fee_revenue"] = -260 },
            journals[$"capture:{ChargeId}"]);
        // floor(1,001 × 3,333 / 10,000) = 333, floor(1,001 × 2,000 / 10,000) = 200; the merchant 1,001 − 533.
        Assert.Equal(
            new Dictionary<string, long> { ["psp_receivable"] = -1001, [SellerA] = 333, [SellerB] = 200, [MerchantPayable] = 468 },
            journals[$"refund:{refundId}"]);
        // floor(4,000 × 3,333 / 10,000) = 1,333, 800; the merchant 4,000 − 2,133 + the fee 1,500.
        Assert.Equal(
            new Dictionary<string, long> { ["psp_receivable"] = -5500, [SellerA] = 1333, [SellerB] = 800, [MerchantPayable] = 3367 },
            journals[$"dispute:{DisputeId}"]);
        Assert.All(journals.Values, journal => Assert.Equal(0, journal.Values.Sum()));
    }
}
