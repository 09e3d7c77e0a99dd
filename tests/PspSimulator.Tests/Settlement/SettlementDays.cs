using System.Globalization;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Settlement;

/// <summary>
/// Settlement days for tests that share a simulator: each starts on a day of its own, so its report holds
/// only its own lines, and closes it when done.
/// </summary>
public static class SettlementDays
{
    public static async Task<DateOnly> TodayAsync(SimulatorApi api) =>
        DateOnly.ParseExact((await api.GetAsync("/_sim/clock")).Json["now"]!.GetValue<string>()[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Moves the clock to 00:00:05 UTC of the next day (auto-close closes every day before it) and returns that day.</summary>
    public static async Task<DateOnly> StartNextDayAsync(SimulatorApi api)
    {
        var unix = (await api.GetAsync("/_sim/clock")).Json["unix"]!.GetValue<long>();
        var today = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(unix).UtcDateTime);
        var next = today.AddDays(1);
        var target = new DateTimeOffset(next.ToDateTime(new TimeOnly(0, 0, 5), DateTimeKind.Utc));
        await api.AdvanceClockAsync(TimeSpan.FromSeconds(target.ToUnixTimeSeconds() - unix));
        return next;
    }

    /// <summary>Closes a day (if it is not closed yet) and returns its report's lines, header first.</summary>
    public static async Task<List<string[]>> CloseAsync(SimulatorApi api, DateOnly day)
    {
        await api.PostControlAsync("/_sim/settlement/close?date=" + Text(day));
        return await ReportAsync(api, day);
    }

    /// <summary>A closed day's report's lines, header first.</summary>
    public static async Task<List<string[]>> ReportAsync(SimulatorApi api, DateOnly day)
    {
        var report = await api.GetAsync("/v1/settlement_reports/" + Text(day));
        Assert.True(report.Status == System.Net.HttpStatusCode.OK, "No report for " + Text(day) + ": " + report.Body);
        return Csv.Parse(report.Body);
    }

    /// <summary>The sum of <c>net</c> per currency over the reports of the days from first to last.</summary>
    public static async Task<SortedDictionary<string, long>> SumOfNetAsync(SimulatorApi api, DateOnly first, DateOnly last)
    {
        var sums = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            foreach (var line in (await ReportAsync(api, day)).Skip(1))
            {
                sums[line[ReportColumns.Currency]] = sums.GetValueOrDefault(line[ReportColumns.Currency]) + long.Parse(line[ReportColumns.Net], CultureInfo.InvariantCulture);
            }
        }

        return sums;
    }

    public static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
