namespace PspSimulator.Clock;

/// <summary>
/// The simulator's own clock: real UTC time plus an offset that <c>POST /_sim/clock/advance</c> grows.
/// Object timestamps, key retention and settlement days follow it; delays and the outage window run on
/// real time, and so does the webhook signature's <c>t</c>, which the receiver checks against its own clock.
/// </summary>
internal sealed class SimulatorClock(TimeProvider time)
{
    private long _offsetTicks;

    public DateTimeOffset UtcNow => time.GetUtcNow().AddTicks(Volatile.Read(ref _offsetTicks));

    public long UnixSeconds => UtcNow.ToUnixTimeSeconds();

    public TimeSpan Offset => TimeSpan.FromTicks(Volatile.Read(ref _offsetTicks));

    public DateOnly Today => DateOnly.FromDateTime(UtcNow.UtcDateTime);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    /// <summary>Back to real time; only <c>POST /_sim/reset</c> calls this.</summary>
    public void Reset() => Volatile.Write(ref _offsetTicks, 0);
}
