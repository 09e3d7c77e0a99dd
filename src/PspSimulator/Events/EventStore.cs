using PspSimulator.Clock;
using PspSimulator.Protocol;

namespace PspSimulator.Events;

/// <summary>
/// Every event by sequence number, newest last, in fixed-size segments: an append is an interlocked
/// increment and one array write (a lock only to add a segment, once per 4,096 events), a lookup by
/// id reads the sequence out of the id, and pruning drops whole segments. Listing walks sequence
/// numbers downwards, newest first as Stripe lists them.
/// </summary>
internal sealed class EventStore(SimulatorClock clock)
{
    // Creation time and sequence are not taken atomically, so near a second boundary a newer sequence
    // can carry an older second; listing by created[gte] looks this far past the first older event.
    private const long CreatedSlackSeconds = 2;
    private const int SegmentBits = 12;
    private const int SegmentSize = 1 << SegmentBits;
    private const string Prefix = "evt";

    private readonly Lock _growGate = new();
    private volatile StoredEvent?[]?[] _segments = new StoredEvent?[]?[64];
    private long _last;
    private long _floor;
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public StoredEvent Append(string type, string objectId, ReadOnlyMemory<byte> objectJson)
    {
        var created = clock.UnixSeconds;
        var sequence = Interlocked.Increment(ref _last);
        var stored = new StoredEvent(sequence, Ids.WithSequence(Prefix, sequence), type, created, objectId, objectJson);
        var segment = Segment(sequence, create: true)!;
        Volatile.Write(ref segment[Offset(sequence)], stored);
        Interlocked.Increment(ref _count);
        return stored;
    }

    public bool TryGetSequence(string id, out long sequence) =>
        Ids.TryReadSequence(id, Prefix, out sequence) && TryGet(sequence, out var stored, wait: false) && stored.Id == id;

    /// <summary>Up to <paramref name="limit"/> events older than <paramref name="before"/>, newest first, and whether there are more.</summary>
    public (List<StoredEvent> Events, bool HasMore) List(long? createdGte, long? before, int limit)
    {
        var found = new List<StoredEvent>(Math.Min(limit + 1, 128));
        var floor = Volatile.Read(ref _floor);
        var start = (before ?? (Volatile.Read(ref _last) + 1)) - 1;
        for (var sequence = start; sequence > floor; sequence--)
        {
            if (!TryGet(sequence, out var stored, wait: true))
            {
                continue;
            }

            if (createdGte is { } gte && stored.Created < gte)
            {
                if (stored.Created < gte - CreatedSlackSeconds)
                {
                    break;
                }

                continue;
            }

            found.Add(stored);
            if (found.Count > limit)
            {
                found.RemoveAt(limit);
                return (found, true);
            }
        }

        return (found, false);
    }

    /// <summary>Forgets events created before <paramref name="cutoffUnixSeconds"/>; only the pruner calls this.</summary>
    public int Prune(long cutoffUnixSeconds)
    {
        var removed = 0;
        var last = Volatile.Read(ref _last);
        var sequence = Volatile.Read(ref _floor) + 1;
        for (; sequence <= last; sequence++)
        {
            if (!TryGet(sequence, out var stored, wait: true))
            {
                continue;
            }

            if (stored.Created >= cutoffUnixSeconds)
            {
                break;
            }

            Volatile.Write(ref Segment(sequence, create: false)![Offset(sequence)], null);
            removed++;

            // A segment whose last slot is gone is dropped whole.
            if (Offset(sequence) == SegmentSize - 1)
            {
                lock (_growGate)
                {
                    _segments[SegmentIndex(sequence)] = null;
                }
            }
        }

        Volatile.Write(ref _floor, sequence - 1);
        Interlocked.Add(ref _count, -removed);
        return removed;
    }

    private static int SegmentIndex(long sequence) => (int)((sequence - 1) >> SegmentBits);

    private static int Offset(long sequence) => (int)((sequence - 1) & (SegmentSize - 1));

    private StoredEvent?[]? Segment(long sequence, bool create)
    {
        var index = SegmentIndex(sequence);
        var segments = _segments;
        if (index < segments.Length && segments[index] is { } existing)
        {
            return existing;
        }

        if (!create)
        {
            return null;
        }

        lock (_growGate)
        {
            segments = _segments;
            if (index >= segments.Length)
            {
                Array.Resize(ref segments, Math.Max(segments.Length * 2, index + 1));
                _segments = segments;
            }

            return segments[index] ??= new StoredEvent?[SegmentSize];
        }
    }

    // A sequence number is taken an instant before its event is stored: when asked to, wait that instant out.
    private bool TryGet(long sequence, out StoredEvent stored, bool wait)
    {
        var spin = new SpinWait();
        for (var i = 0; i < (wait ? 200 : 1); i++)
        {
            var segment = Segment(sequence, create: false);
            if (segment is not null && Volatile.Read(ref segment[Offset(sequence)]) is { } found)
            {
                stored = found;
                return true;
            }

            spin.SpinOnce();
        }

        stored = null!;
        return false;
    }

    /// <summary>
    /// Forgets every event; only <c>POST /_sim/reset</c> calls this. Sequence numbers go on from where
    /// they were, so an id from before the reset never names an event after it. Returns the newest
    /// sequence number forgotten.
    /// </summary>
    public long Clear()
    {
        lock (_growGate)
        {
            var last = Volatile.Read(ref _last);
            _segments = new StoredEvent?[]?[_segments.Length];
            Volatile.Write(ref _floor, last);
            Volatile.Write(ref _count, 0);
            return last;
        }
    }
}
