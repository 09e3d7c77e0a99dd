using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PspSimulator.Protocol;

namespace PspSimulator.PaymentIntents;

/// <summary>
/// The search index on <c>metadata['charge_id']</c>. An entry becomes visible <c>SearchLagMs</c> after
/// the write (real time), like Stripe's eventually consistent search; the contract caps that at 5 s.
/// Payouts keep an instance of their own on <c>metadata['payout_id']</c> (the "charge id" is then theirs).
/// </summary>
internal sealed class SearchIndex(IOptions<SimulatorOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, SearchIndexEntries> _byChargeId = new(StoreSizing.ConcurrencyLevel, StoreSizing.InitialCapacity, StringComparer.Ordinal);
    private readonly long _lagTicks = options.Value.SearchLagMs * time.TimestampFrequency / 1000;

    public void Add(string chargeId, string paymentIntentId)
    {
        while (true)
        {
            var entries = _byChargeId.GetOrAdd(chargeId, static _ => new SearchIndexEntries());
            lock (entries)
            {
                if (!entries.Detached)
                {
                    entries.Add(paymentIntentId, time.GetTimestamp() + _lagTicks);
                    return;
                }
            }
        }
    }

    /// <summary>Ids a search sees now.</summary>
    public List<string> Visible(string chargeId) => Find(chargeId, time.GetTimestamp());

    /// <summary>Every id, lag or not (for the ground truth).</summary>
    public List<string> All(string chargeId) => Find(chargeId, long.MaxValue);

    public void Remove(string chargeId, string paymentIntentId)
    {
        if (!_byChargeId.TryGetValue(chargeId, out var entries))
        {
            return;
        }

        lock (entries)
        {
            entries.Remove(paymentIntentId);
            if (entries.IsEmpty)
            {
                entries.Detached = true;
                _byChargeId.TryRemove(KeyValuePair.Create(chargeId, entries));
            }
        }
    }

    private List<string> Find(string chargeId, long now)
    {
        var found = new List<string>();
        if (!_byChargeId.TryGetValue(chargeId, out var entries))
        {
            return found;
        }

        lock (entries)
        {
            entries.CollectVisible(now, found);
        }

        return found;
    }

    /// <summary>Forgets everything; only <c>POST /_sim/reset</c> calls this.</summary>
    public void Clear() => _byChargeId.Clear();
}
