using System.Net;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Payouts;

/// <summary>A payout never takes more than the platform's balance in its currency, alone or racing others.</summary>
public sealed class PayoutBalanceTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>, IAsyncLifetime
{
    private readonly SimulatorApi _api = simulator.Api;

    public Task InitializeAsync() => _api.ClearFaultsAsync();

    public Task DisposeAsync() => _api.ClearFaultsAsync();

    [Fact]
    public async Task Payout_above_the_balance_is_refused_balance_insufficient_and_the_refusal_is_saved_for_its_key()
    {
        var currency = PayoutHelpers.NewCurrency();
        var funded = await PayoutHelpers.FundAsync(_api, currency, 5_000);
        var payoutId = PayoutHelpers.NewPayoutId();
        var key = SimulatorApi.NewKey();

        var refused = await PayoutHelpers.CreateAsync(_api, key, funded + 1, currency, payoutId: payoutId);
        var refundedAfter = await PayoutHelpers.FundAsync(_api, currency, 5_000);
        var replay = await PayoutHelpers.CreateAsync(_api, key, funded + 1, currency, payoutId: payoutId);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_request_error", refused.ErrorType);
        Assert.Equal("balance_insufficient", refused.ErrorCode);
        Assert.True(refundedAfter > funded + 1);
        Assert.Equal(HttpStatusCode.BadRequest, replay.Status);
        Assert.True(replay.Replayed);
        Assert.Equal(refused.Body, replay.Body);
        var truth = await _api.TruthAsync();
        Assert.Empty(PayoutHelpers.Payouts(truth, payoutId));
        Assert.Equal(0, PayoutHelpers.ForPayoutId(truth, payoutId, "payout"));
        Assert.Equal(refundedAfter, PayoutHelpers.Balance(truth, currency));
    }

    [Fact]
    public async Task Payout_of_exactly_the_balance_is_carried_out_and_leaves_zero()
    {
        var currency = PayoutHelpers.NewCurrency();
        var funded = await PayoutHelpers.FundAsync(_api, currency, 3_000);

        var all = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), funded, currency);
        var more = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 1, currency);

        Assert.Equal(HttpStatusCode.OK, all.Status);
        Assert.Equal("balance_insufficient", more.ErrorCode);
        Assert.Equal(0, PayoutHelpers.Balance(await _api.TruthAsync(), currency));
    }

    [Fact]
    public async Task Payout_in_a_currency_never_funded_is_balance_insufficient()
    {
        var refused = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 1, PayoutHelpers.NewCurrency());

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("balance_insufficient", refused.ErrorCode);
    }

    [Fact]
    public async Task Twenty_concurrent_payouts_for_a_balance_covering_seven_carry_out_exactly_seven()
    {
        var currency = PayoutHelpers.NewCurrency();
        var funded = await PayoutHelpers.FundAsync(_api, currency, 100_000);
        var amount = funded / 7;
        var payoutIds = Enumerable.Range(0, 20).Select(_ => PayoutHelpers.NewPayoutId()).ToList();

        // The same latency for all: the twenty are held, then carried out at about the same instant.
        await _api.SetFaultsAsync("""{ "latency_ms": { "min": 300, "max": 300 } }""");
        var answers = await Task.WhenAll(payoutIds.Select(id => PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), amount, currency, payoutId: id)));

        await _api.ClearFaultsAsync();
        Assert.Equal(7, answers.Count(a => a.Status == HttpStatusCode.OK));
        Assert.Equal(13, answers.Count(a => a.ErrorCode == "balance_insufficient"));
        var truth = await _api.TruthAsync();
        Assert.Equal(7, payoutIds.Sum(id => PayoutHelpers.ForPayoutId(truth, id, "payout")));
        Assert.Equal(7, truth["payouts"]!.AsArray().Count(p => p!["currency"]!.GetValue<string>() == currency));
        Assert.Equal(funded - (7 * amount), PayoutHelpers.Balance(truth, currency));
        Assert.InRange(PayoutHelpers.Balance(truth, currency), 0, amount - 1);
    }
}
