using System.Collections.Concurrent;
using PspSimulator.Clock;
using PspSimulator.Protocol;

namespace PspSimulator.Events;

/// <summary>
/// Every event by sequence number, newest last. Appends are lock-free (an interlocked sequence and a
/// concurrent map); listing walks sequence numbers downwards, newest first as Stripe lists them.
/// </summary>
internal sealed class EventStore(SimulatorClock clock)
{
    // Creation time and sequence are not taken atomically, so near a second boundary a newer sequence
    // can carry an older second; listing by created[gte] looks this far past the first older event.
    private const long CreatedSlackSeconds = 2;

    private readonly ConcurrentDictionary<long, StoredEvent> _bySequence = new(StoreSizing.ConcurrencyLevel, StoreSizing.InitialCapacity);
    private readonly ConcurrentDictionary<string, long> _sequenceById = new(StoreSizing.ConcurrencyLevel, StoreSizing.InitialCapacity, StringComparer.Ordinal);
    private long _last;
    private long _floor;

    public int Count => _bySequence.Count;

    public StoredEvent Append(string type, string objectId, ReadOnlyMemory<byte> objectJson)
    {
        var id = Ids.New("evt");
        var created = clock.UnixSeconds;
        var sequence = Interlocked.Increment(ref _last);
        var stored = new StoredEvent(sequence, id, type, created, objectId, objectJson);
        _sequenceById[id] = sequence;
        _bySequence[sequence] = stored;
        return stored;
    }

    public bool TryGetSequence(string id, out long sequence) => _sequenceById.TryGetValue(id, out sequence);

    /// <summary>Up to <paramref name="limit"/> events older than <paramref name="before"/>, newest first, and whether there are more.</summary>
    public (List<StoredEvent> Events, bool HasMore) List(long? createdGte, long? before, int limit)
    {
        var found = new List<StoredEvent>(Math.Min(limit + 1, 128));
        var floor = Volatile.Read(ref _floor);
        var start = (before ?? (Volatile.Read(ref _last) + 1)) - 1;
        for (var sequence = start; sequence > floor; sequence--)
        {
            if (!TryGet(sequence, out var stored))
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
            if (!TryGet(sequence, out var stored))
            {
                continue;
            }

            if (stored.Created >= cutoffUnixSeconds)
            {
                break;
            }

            _bySequence.TryRemove(sequence, out _);
            _sequenceById.TryRemove(stored.Id, out _);
            removed++;
        }

        Volatile.Write(ref _floor, sequence - 1);
        return removed;
    }

    // A sequence number is taken an instant before its event is stored: wait that instant out.
    private bool TryGet(long sequence, out StoredEvent stored)
    {
        var spin = new SpinWait();
        for (var i = 0; i < 200; i++)
        {
            if (_bySequence.TryGetValue(sequence, out stored!))
            {
                return true;
            }

            spin.SpinOnce();
        }

        stored = null!;
        return false;
    }
}
