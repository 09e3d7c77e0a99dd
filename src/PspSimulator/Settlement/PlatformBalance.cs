using System.Collections.Concurrent;

namespace PspSimulator.Settlement;

/// <summary>
/// The platform's balance at the PSP per currency: the sum of <c>net</c> of every balance transaction
/// carried out so far, closed days or not. It is a running sum rather than a sum over kept movements,
/// because movements and closed days are pruned after the retention time and the balance must not move
/// when they are. Payouts will check and take from it (<c>balance_insufficient</c>).
/// </summary>
internal sealed class PlatformBalance
{
    private readonly ConcurrentDictionary<string, long> _byCurrency = new(StringComparer.Ordinal);

    public void Add(string currency, long net) => _byCurrency.AddOrUpdate(currency, net, (_, balance) => balance + net);

    /// <summary>The balance of every currency that has had a balance transaction, by currency.</summary>
    public SortedDictionary<string, long> Snapshot() => new(_byCurrency, StringComparer.Ordinal);
}
