using System.Globalization;
using System.Net;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Settlement;

public sealed class SettlementClockTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Days_close_automatically_by_the_clock_and_a_late_capture_goes_to_the_next_open_day()
    {
        var early = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: 1000);
        var closed = await _api.PostControlAsync("/_sim/settlement/close");
        var today = closed["date"]!.GetValue<string>();
        var late = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: 2000);

        var todayReport = await _api.GetAsync("/v1/settlement_reports/" + today);
        var tomorrow = DateOnly.ParseExact(today, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var beforeMidnight = await _api.GetAsync("/v1/settlement_reports/" + tomorrow);
        await AdvanceToDayAfterAsync(tomorrow);
        var tomorrowReport = await _api.GetAsync("/v1/settlement_reports/" + tomorrow);

        Assert.Contains(early.Id, todayReport.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(late.Id, todayReport.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, beforeMidnight.Status);
        Assert.Equal(HttpStatusCode.OK, tomorrowReport.Status);
        var row = Assert.Single(Csv.Parse(tomorrowReport.Body).Skip(1));
        Assert.Equal(late.Id, row[4]);
        Assert.StartsWith(today, row[1], StringComparison.Ordinal);
    }

    // Moves the simulator clock to 00:01 UTC on the day after the given one, if it is not past that yet.
    private async Task AdvanceToDayAfterAsync(string day)
    {
        var target = DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(1).ToDateTime(new TimeOnly(0, 1), DateTimeKind.Utc);
        var now = DateTimeOffset.FromUnixTimeSeconds((await _api.GetAsync("/_sim/clock")).Json["unix"]!.GetValue<long>());
        var seconds = (long)(new DateTimeOffset(target) - now).TotalSeconds;
        if (seconds > 0)
        {
            await _api.PostControlAsync("/_sim/clock/advance?seconds=" + seconds.ToString(CultureInfo.InvariantCulture));
        }
    }
}
