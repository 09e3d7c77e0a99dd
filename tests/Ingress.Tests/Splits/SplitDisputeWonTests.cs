using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Splits;

/// <summary>
/// The same split charge as <see cref="SplitDisputeLostTests"/>, its dispute won: the amount comes back
/// to the sellers and the merchant as it was taken (rounded down per seller, the rest to the merchant);
/// the dispute fee stays with the merchant alone.
/// </summary>
public sealed class SplitDisputeWonTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Dispute_won_gives_each_seller_back_what_the_dispute_took_and_the_merchant_the_rest_but_not_the_fee()
    {
        var scenario = await SplitScenario.RunAsync(service);
        await scenario.CloseAsync(service, "won");

        var journals = await SplitSupport.JournalsAsync(service, scenario.ChargeId);
        await scenario.AssertFirstJournalsAsync(journals, service);
        Assert.Equal(
            new Dictionary<string, long> { ["psp_receivable"] = 4000, [scenario.SellerA] = -1333, [scenario.SellerB] = -800, [scenario.MerchantPayable] = -1867 },
            journals[$"dispute_won:{scenario.DisputeId}"]);
        Assert.Equal(
            new Dictionary<string, long>
            {
                ["psp_receivable"] = 10_000 - 1001 - 5500 + 4000,
                [scenario.SellerA] = -3333 + 333,
                [scenario.SellerB] = -2000 + 200,
                // The merchant bears its share of the refund and the dispute fee.
                [scenario.MerchantPayable] = -4407 + 468 + SplitScenario.DisputeFee,
                ["platform_fee_revenue"] = -260,
            },
            await SplitSupport.BalancesAsync(service));
        await service.AssertLedgerBalancedAsync();
    }
}
