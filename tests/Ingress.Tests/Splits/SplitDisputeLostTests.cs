using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Splits;

/// <summary>
/// A split charge captured, partly refunded and disputed (lost): what each seller, the merchant and
/// the platform are owed, to the minor unit, by the journals and by the operator's balances (a
/// class of its own, so its database holds this charge alone). See <see cref="SplitScenario"/>.
/// </summary>
public sealed class SplitDisputeLostTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Refund_and_lost_dispute_are_taken_from_sellers_in_proportion_rounded_down_and_the_rest_from_the_merchant()
    {
        var scenario = await SplitScenario.RunAsync(service);
        await scenario.CloseAsync(service, "lost");

        var journals = await SplitSupport.JournalsAsync(service, scenario.ChargeId);
        await scenario.AssertFirstJournalsAsync(journals, service);
        Assert.Equal(3, journals.Count);
        Assert.Equal(
            new Dictionary<string, long>
            {
                ["psp_receivable"] = 10_000 - 1001 - 5500,
                [scenario.SellerA] = -3333 + 333 + 1333,
                [scenario.SellerB] = -2000 + 200 + 800,
                [scenario.MerchantPayable] = -4407 + 468 + 3367,
                ["platform_fee_revenue"] = -260,
            },
            await SplitSupport.BalancesAsync(service));
        await service.AssertLedgerBalancedAsync();
    }
}
