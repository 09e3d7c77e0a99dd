using System.Net;
using PspSimulator.Tests.Infrastructure;
using PspSimulator.Tests.Maintenance;

namespace PspSimulator.Tests.Payouts;

/// <summary>Payouts are pruned by their last change, as PaymentIntents are, but never while money may still move.</summary>
public sealed class PayoutPruningTests(ShortRetentionFixture simulator) : IClassFixture<ShortRetentionFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Paid_payout_is_pruned_after_retention_but_one_still_to_be_returned_is_kept_until_it_fails()
    {
        var currency = PayoutHelpers.NewCurrency();
        var funded = await PayoutHelpers.FundAsync(_api, currency, 10_000);
        var paid = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 1000, currency, "ba_ok");
        var returned = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 2000, currency, "ba_returned");
        await PayoutHelpers.UntilStatusAsync(_api, paid.Id, "paid");
        await PayoutHelpers.UntilStatusAsync(_api, returned.Id, "paid");

        await _api.AdvanceClockAsync(TimeSpan.FromSeconds(3700));
        var paidAfterRetention = await _api.GetAsync("/v1/payouts/" + paid.Id);
        var awaitingReturn = await _api.GetAsync("/v1/payouts/" + returned.Id);
        await _api.AdvanceClockAsync(TimeSpan.FromDays(1));
        var failed = await _api.GetAsync("/v1/payouts/" + returned.Id);
        await _api.AdvanceClockAsync(TimeSpan.FromSeconds(3700));
        var afterFailureRetention = await _api.GetAsync("/v1/payouts/" + returned.Id);

        Assert.Equal(HttpStatusCode.NotFound, paidAfterRetention.Status);
        Assert.Equal("paid", PayoutHelpers.Status(awaitingReturn));
        Assert.Equal("failed", PayoutHelpers.Status(failed));
        Assert.Equal(HttpStatusCode.NotFound, afterFailureRetention.Status);
        var truth = await _api.TruthAsync();
        Assert.Empty(truth["payouts"]!.AsArray());
        Assert.Equal(0, (await _api.GetAsync("/_sim/stats")).Json["payouts"]!.GetValue<int>());
        Assert.Equal(funded - 1000, PayoutHelpers.Balance(truth, currency));
    }
}
