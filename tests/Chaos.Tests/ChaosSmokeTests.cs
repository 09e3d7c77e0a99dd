using Payments.Chaos.Schedules;

namespace Payments.Chaos.Tests;

/// <summary>
/// A few schedules of the chaos runner in the default test run: one with a SIGKILL of a service
/// instance, one with a PostgreSQL immediate stop, one with a compressed PSP outage, each judged
/// against the PSP's ground truth (perf/Chaos/README.md runs a thousand).
/// </summary>
[Collection(OneStackAtATime.Name)]
public sealed class ChaosSmokeTests
{
    [Fact]
    public async Task Seeded_schedules_with_a_kill_a_database_crash_and_an_outage_end_in_agreement_with_the_psp()
    {
        int[] seeds = [3, 7, 11];
        Assert.True(ScheduleGenerator.KillsAnInstance(3));
        Assert.True(ScheduleGenerator.RestartsTheDatabase(7));
        Assert.True(ScheduleGenerator.HasAnOutage(11));
        using var output = new StringWriter();

        var results = await ChaosRun.RunAsync(new ChaosSettings { Seeds = seeds }, output);

        Assert.True(results.All(r => r.Passed), output.ToString());
        Assert.All(results, r => Assert.Contains("lines", r.Checked, StringComparison.Ordinal));
        Assert.True(results.Sum(r => r.Log.Accepted.Count) >= 10, output.ToString());
    }

    [Fact]
    public void A_seed_gives_the_same_schedule_every_time()
    {
        var first = ScheduleGenerator.Generate(42);
        var again = ScheduleGenerator.Generate(42);

        Assert.Equal(first.Steps, again.Steps);
        Assert.Equal(first.Describe(), again.Describe());
        Assert.Equal(first.Faults.Select(f => f.Plan.ToJsonString()), again.Faults.Select(f => f.Plan.ToJsonString()));
        Assert.NotEqual(first.Describe() + string.Join(',', first.Steps), ScheduleGenerator.Generate(43).Describe() + string.Join(',', ScheduleGenerator.Generate(43).Steps));
    }
}
