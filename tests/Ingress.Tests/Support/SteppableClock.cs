namespace Payments.Ingress.Tests.Support;

/// <summary>A host clock that an NTP step can move: wall time only, the monotonic timestamp stays true.</summary>
public sealed class SteppableClock : TimeProvider
{
    private long _offsetTicks;

    public void Step(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));
}
