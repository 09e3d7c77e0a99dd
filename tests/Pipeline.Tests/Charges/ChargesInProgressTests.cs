using Microsoft.Extensions.Options;
using Payments.Pipeline.Charges;
using Payments.Pipeline.Observability;

namespace Payments.Pipeline.Tests.Charges;

public sealed class ChargesInProgressTests
{
    [Fact]
    public void Refuses_at_the_limit_and_admits_again_when_a_charge_finishes()
    {
        var (inProgress, _) = Create(limit: ChargesInProgress.Floor + 2);
        for (var i = 0; i < ChargesInProgress.Floor + 2; i++)
        {
            inProgress.Started($"ch_{i}");
        }

        Assert.False(inProgress.HasRoom);

        inProgress.Finished("ch_0");

        Assert.True(inProgress.HasRoom);
    }

    [Fact]
    public void Refuses_when_charges_take_longer_than_the_target_to_finish()
    {
        var (inProgress, clock) = Create(limit: 10_000, target: TimeSpan.FromSeconds(5));
        for (var i = 0; i < 1_000; i++)
        {
            inProgress.Started($"ch_{i}");
        }

        clock.Advance(TimeSpan.FromSeconds(20));
        for (var i = 0; i < 500; i++)
        {
            inProgress.Finished($"ch_{i}");
        }

        Assert.True(inProgress.AverageSecondsToFinal > 5, $"average {inProgress.AverageSecondsToFinal}");
        Assert.False(inProgress.HasRoom);
    }

    [Fact]
    public void Below_the_floor_the_door_stays_open_whatever_the_average_says()
    {
        var (inProgress, clock) = Create(limit: 10_000, target: TimeSpan.FromSeconds(5));
        for (var i = 0; i < 200; i++)
        {
            inProgress.Started($"ch_{i}");
        }

        clock.Advance(TimeSpan.FromSeconds(60));
        for (var i = 0; i < 200 - ChargesInProgress.Floor + 1; i++)
        {
            inProgress.Finished($"ch_{i}");
        }

        Assert.True(inProgress.AverageSecondsToFinal > 5);
        Assert.True(inProgress.HasRoom);
    }

    [Fact]
    public void A_limit_below_the_floor_still_holds()
    {
        var (inProgress, _) = Create(limit: 3);
        for (var i = 0; i < 3; i++)
        {
            inProgress.Started($"ch_{i}");
        }

        Assert.False(inProgress.HasRoom);
    }

    [Fact]
    public void Finishing_twice_or_an_unknown_charge_does_not_skew_the_count()
    {
        var (inProgress, _) = Create(limit: 100);
        inProgress.Started("ch_a");
        inProgress.Started("ch_a");

        inProgress.Finished("ch_a");
        inProgress.Finished("ch_a");
        inProgress.Finished("ch_unknown");

        Assert.Equal(0, inProgress.Count);
    }

    [Fact]
    public void Charges_still_pending_long_after_acceptance_keep_counting_against_the_limit()
    {
        // A backlog is what admission must see: age alone never lets a charge out of the count.
        var (inProgress, clock) = Create(limit: 100);
        inProgress.Started("ch_stuck");

        clock.Advance(new ChargeOptions().AttemptLease * 3);

        Assert.Equal(["ch_stuck"], inProgress.Stale());
        Assert.Equal(1, inProgress.Count);
    }

    [Fact]
    public void Charges_found_finished_by_another_instance_are_let_go_without_a_time_to_final()
    {
        var (inProgress, clock) = Create(limit: 100);
        inProgress.Started("ch_elsewhere");
        inProgress.Started("ch_stuck");
        clock.Advance(new ChargeOptions().AttemptLease * 3);

        inProgress.Forget(["ch_elsewhere"]);

        Assert.Equal(1, inProgress.Count);
        Assert.Equal(0, inProgress.AverageSecondsToFinal);
    }

    private static (ChargesInProgress InProgress, ManualClock Clock) Create(int limit, TimeSpan? target = null)
    {
        var clock = new ManualClock();
        var options = new ChargeOptions { MaxInProgress = limit, AdmissionTarget = target ?? TimeSpan.FromSeconds(5) };
        var metrics = new PaymentsMetrics();
        return (new ChargesInProgress(Options.Create(options), pspCallsInFlight: 1_000_000, clock, metrics), clock);
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    private sealed class TestMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}
