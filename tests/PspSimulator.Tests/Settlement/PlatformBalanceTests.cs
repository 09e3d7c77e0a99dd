using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Settlement;

/// <summary>
/// The truth's <c>balance</c> is the sum of <c>net</c> over every balance transaction. The only test of
/// its class, so the simulator's every movement is its own and every closed report counts.
/// </summary>
public sealed class PlatformBalanceTests(LongRetentionFixture simulator) : IClassFixture<LongRetentionFixture>
{
    private const long DisputeFee = 1500;

    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Sum_of_net_over_every_closed_report_equals_the_truths_balance_for_captures_refunds_and_disputes()
    {
        var first = await SettlementDays.TodayAsync(_api);
        var full = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: 4999);
        var partial = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: 10000, captureMethod: "manual");
        await _api.PostAsync("/v1/payment_intents/" + partial.Id + "/capture", SimulatorApi.NewKey(), ("amount_to_capture", "7000"));
        var direct = await _api.PostAsync(
            "/v1/payment_intents",
            SimulatorApi.NewKey(),
            ("amount", "2500"),
            ("currency", "usd"),
            ("payment_method", "pm_card_visa"),
            ("confirm", "true"));
        await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: 1724, currency: "eur");
        await _api.PostAsync("/v1/refunds", SimulatorApi.NewKey(), ("payment_intent", full.Id), ("amount", "1000"), ("metadata[refund_id]", "rf_ours"));

        await SettlementDays.StartNextDayAsync(_api);
        await _api.PostAsync("/v1/refunds", SimulatorApi.NewKey(), ("payment_intent", full.Id), ("amount", "500"));
        var won = (await _api.OpenDisputeAsync(partial.Id, amount: 6000)).Json["id"]!.GetValue<string>();
        var lost = (await _api.OpenDisputeAsync(direct.Id)).Json["id"]!.GetValue<string>();

        var last = await SettlementDays.StartNextDayAsync(_api);
        await _api.PostControlAsync("/_sim/disputes/" + won + "/close", "{\"status\":\"won\"}");
        await _api.PostControlAsync("/_sim/disputes/" + lost + "/close", "{\"status\":\"lost\"}");
        await SettlementDays.StartNextDayAsync(_api);

        var sums = await SettlementDays.SumOfNetAsync(_api, first, last);
        var balance = (await _api.TruthAsync())["balance"]!.AsObject().ToDictionary(b => b.Key, b => b.Value!.GetValue<long>());

        var usd = (4999 - Fee(4999)) + (7000 - Fee(7000)) + (2500 - Fee(2500)) - 1000 - 500
            - (6000 + DisputeFee) - (2500 + DisputeFee) + 6000;
        Assert.Equal(new SortedDictionary<string, long>(StringComparer.Ordinal) { ["eur"] = 1724 - Fee(1724), ["usd"] = usd }, sums);
        Assert.Equal(sums, new SortedDictionary<string, long>(balance, StringComparer.Ordinal));
    }

    private static long Fee(long gross) => (gross * 290 + 5000) / 10000 + 30;
}
