using System.Diagnostics;

namespace Payments.OutboxThroughput;

/// <summary>The publisher's own count of events handed off, with the time of the first and the last hand-off.</summary>
internal sealed class HandOffListener
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _total;
    private long _batches;
    private long _firstTicks = -1;
    private long _firstBatch = -1;
    private long _lastTicks;

    public long Total => Interlocked.Read(ref _total);

    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Events of the first hand-off (they were decoded before the window opens).</summary>
    public long FirstBatch => Math.Max(0, Interlocked.Read(ref _firstBatch));

    public TimeSpan First => TimeSpan.FromSeconds(Interlocked.Read(ref _firstTicks) / (double)Stopwatch.Frequency);

    public TimeSpan Last => TimeSpan.FromSeconds(Interlocked.Read(ref _lastTicks) / (double)Stopwatch.Frequency);

    /// <summary>Subscribed to <c>OutboxPublisher.EventsHandedOff</c>.</summary>
    public void Record(long events)
    {
        var now = _clock.ElapsedTicks;
        Interlocked.CompareExchange(ref _firstTicks, now, -1);
        Interlocked.CompareExchange(ref _firstBatch, events, -1);
        Interlocked.Exchange(ref _lastTicks, now);
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _total, events);
    }
}
