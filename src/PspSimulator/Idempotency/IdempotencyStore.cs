using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PspSimulator.Clock;
using PspSimulator.Protocol;

namespace PspSimulator.Idempotency;

/// <summary>
/// Idempotency keys, as Stripe keeps them. The rules money depends on, enforced here:
/// the first request with a key that starts executing claims the key atomically (<c>TryAdd</c>), so two
/// racing requests can never both execute; whatever it answers, a 500 included, is saved and every later
/// request with the same parameters gets exactly that back. A request that is refused before it starts
/// (validation, 409, 429, a lost request) releases its claim, so nothing is saved for it.
/// Keys live <c>IdempotencyKeyRetentionSeconds</c> (24 h) by the simulator clock, then are pruned.
/// </summary>
internal sealed class IdempotencyStore(SimulatorClock clock, IOptions<SimulatorOptions> options)
{
    private readonly ConcurrentDictionary<string, IdempotencyEntry> _entries = new(StoreSizing.ConcurrencyLevel, StoreSizing.InitialCapacity, StringComparer.Ordinal);
    private readonly TimeSpan _retention = TimeSpan.FromSeconds(options.Value.IdempotencyKeyRetentionSeconds);

    public int Count => _entries.Count;

    public IdempotencyBegin Begin(string key, UInt128 fingerprint)
    {
        var now = clock.UtcNow;
        var fresh = new IdempotencyEntry(fingerprint, now);
        while (true)
        {
            if (_entries.TryAdd(key, fresh))
            {
                return new IdempotencyBegin(IdempotencyOutcome.Started, fresh);
            }

            if (!_entries.TryGetValue(key, out var existing))
            {
                continue;
            }

            // A key past its retention that the pruner has not reached yet is as good as gone.
            if (existing.Saved is not null && existing.CreatedAt + _retention <= now)
            {
                if (_entries.TryUpdate(key, fresh, existing))
                {
                    return new IdempotencyBegin(IdempotencyOutcome.Started, fresh);
                }

                continue;
            }

            if (existing.Fingerprint != fingerprint)
            {
                return new IdempotencyBegin(IdempotencyOutcome.Mismatch, existing);
            }

            return new IdempotencyBegin(existing.Saved is null ? IdempotencyOutcome.InUse : IdempotencyOutcome.Replay, existing);
        }
    }

    public static void Save(IdempotencyEntry entry, StripeResponse response) => entry.Save(response);

    /// <summary>Gives the key back unsaved; only the request that claimed it may do so.</summary>
    public void Release(string key, IdempotencyEntry entry) => _entries.TryRemove(KeyValuePair.Create(key, entry));

    /// <summary>Forgets finished keys older than the retention; a key still executing stays.</summary>
    public int Prune()
    {
        var cutoff = clock.UtcNow - _retention;
        var removed = 0;
        foreach (var (key, entry) in _entries)
        {
            if (entry.Saved is not null && entry.CreatedAt <= cutoff && _entries.TryRemove(KeyValuePair.Create(key, entry)))
            {
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Forgets everything; only <c>POST /_sim/reset</c> calls this.</summary>
    public void Clear() => _entries.Clear();
}
