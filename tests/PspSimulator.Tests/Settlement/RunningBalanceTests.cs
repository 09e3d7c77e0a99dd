using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Settlement;

/// <summary>
/// After each closed day, the balance in the truth is the running sum of <c>net</c> over the reports so
/// far. The only test of its class, so every movement of the simulator is its own.
/// </summary>
public sealed class RunningBalanceTests(LongRetentionFixture simulator) : IClassFixture<LongRetentionFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task After_each_closed_day_the_running_sum_of_net_equals_the_truths_balance()
    {
        var first = await SettlementDays.TodayAsync(_api);
        var day = first;
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: 8000);
        var steps = new Func<Task>[]
        {
            () => _api.PostAsync("/v1/refunds", SimulatorApi.NewKey(), ("payment_intent", intent.Id), ("amount", "300"), ("metadata[refund_id]", "rf_1")),
            () => _api.OpenDisputeAsync(intent.Id, amount: 5000),
            () => _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: 40),
        };

        foreach (var step in steps)
        {
            day = await CloseDayAndCheckAsync(first, day);
            await step();
        }

        await CloseDayAndCheckAsync(first, day);
    }

    // Starts the next day (closing this one) and checks the balance against the reports so far.
    private async Task<DateOnly> CloseDayAndCheckAsync(DateOnly first, DateOnly day)
    {
        var next = await SettlementDays.StartNextDayAsync(_api);
        var balance = (await _api.TruthAsync())["balance"]!["usd"]!.GetValue<long>();
        var sums = await SettlementDays.SumOfNetAsync(_api, first, day);

        Assert.Equal(sums["usd"], balance);
        return next;
    }
}
