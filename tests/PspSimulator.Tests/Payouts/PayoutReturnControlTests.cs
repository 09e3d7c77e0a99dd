using System.Net;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Payouts;

/// <summary><c>POST /_sim/payouts/{id}/return</c>: the bank returns a paid payout now.</summary>
public sealed class PayoutReturnControlTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Returning_a_paid_payout_fails_it_could_not_process_gives_the_amount_back_and_emits_failed()
    {
        var currency = PayoutHelpers.NewCurrency();
        var funded = await PayoutHelpers.FundAsync(_api, currency, 10_000);
        var payoutId = PayoutHelpers.NewPayoutId();
        var created = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 2000, currency, "ba_ok", payoutId);
        await PayoutHelpers.UntilStatusAsync(_api, created.Id, "paid");

        var returned = await _api.SendControlAsync("/_sim/payouts/" + created.Id + "/return");
        var again = await _api.SendControlAsync("/_sim/payouts/" + created.Id + "/return");

        Assert.Equal(HttpStatusCode.OK, returned.Status);
        Assert.Equal("failed", returned.Json["status"]!.GetValue<string>());
        Assert.Equal("could_not_process", returned.Json["failure_code"]!.GetValue<string>());
        Assert.Equal("failed", PayoutHelpers.Status(await _api.GetAsync("/v1/payouts/" + created.Id)));
        var failedEvent = (await _api.EventsOfAsync(created.Id))[0];
        Assert.Equal("payout.failed", failedEvent["type"]!.GetValue<string>());
        Assert.Equal("could_not_process", failedEvent["data"]!["object"]!["failure_code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.NotNull(again.Json["error"]);
        Assert.NotNull(again.Json["details"]);
        var truth = await _api.TruthAsync();
        Assert.Equal(funded, PayoutHelpers.Balance(truth, currency));
        Assert.Equal(1, PayoutHelpers.ForPayoutId(truth, payoutId, "payout_failure"));
    }

    [Fact]
    public async Task Returning_a_payout_that_is_not_paid_is_refused_and_changes_nothing()
    {
        var currency = PayoutHelpers.NewCurrency();
        var funded = await PayoutHelpers.FundAsync(_api, currency, 10_000);
        var created = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 2000, currency);

        var refused = await _api.SendControlAsync("/_sim/payouts/" + created.Id + "/return");

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("only a paid payout", refused.Json["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(refused.Json["details"]!.AsArray());
        var truth = await _api.TruthAsync();
        Assert.Equal([("payout", 2000L)], PayoutHelpers.Movements(truth, created.Id));
        Assert.Equal(funded - 2000, PayoutHelpers.Balance(truth, currency));
    }

    [Fact]
    public async Task Returning_an_unknown_payout_is_404()
    {
        var unknown = await _api.SendControlAsync("/_sim/payouts/po_unknown/return");

        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.NotNull(unknown.Json["error"]);
    }
}
