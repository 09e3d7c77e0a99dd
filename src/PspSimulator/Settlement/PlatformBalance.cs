using System.Collections.Concurrent;

namespace PspSimulator.Settlement;

/// <summary>
/// The platform's balance at the PSP per currency: the sum of <c>net</c> of every balance transaction
/// carried out so far, closed days or not. It is a running sum rather than a sum over kept movements,
/// because movements and closed days are pruned after the retention time and the balance must not move
/// when they are.
/// <para>
/// Payouts may not take more than it holds (<c>balance_insufficient</c>), however many race: every change
/// to a currency's balance takes that currency's lock, and <see cref="TryTake"/> checks the balance and
/// carries the payout out (whose balance transaction comes back here through <see cref="Add"/>, on the
/// same thread, the lock being re-entrant) inside it. So no other change slips between the check and the
/// debit. The lock is per currency and held for an addition, so captures never queue behind each other.
/// </para>
/// </summary>
internal sealed class PlatformBalance
{
    private readonly ConcurrentDictionary<string, Account> _byCurrency = new(StringComparer.Ordinal);

    public void Add(string currency, long net)
    {
        var account = _byCurrency.GetOrAdd(currency, static _ => new Account());
        lock (account.Gate)
        {
            account.Balance += net;
        }
    }

    /// <summary>
    /// Runs <paramref name="carryOut"/>, which must record a balance transaction of <c>−amount</c> in this
    /// currency, if the balance is at least <paramref name="amount"/>; otherwise returns false and
    /// <paramref name="available"/> (a currency never seen holds 0).
    /// </summary>
    public bool TryTake(string currency, long amount, Action carryOut, out long available)
    {
        ArgumentNullException.ThrowIfNull(carryOut);
        available = 0;
        if (!_byCurrency.TryGetValue(currency, out var account))
        {
            // Nothing ever moved in this currency: it holds 0, and a payout is at least 1.
            return false;
        }

        lock (account.Gate)
        {
            available = account.Balance;
            if (account.Balance < amount)
            {
                return false;
            }

            carryOut();
            return true;
        }
    }

    /// <summary>The balance of every currency that has had a balance transaction, by currency.</summary>
    public SortedDictionary<string, long> Snapshot()
    {
        var snapshot = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (currency, account) in _byCurrency)
        {
            lock (account.Gate)
            {
                snapshot[currency] = account.Balance;
            }
        }

        return snapshot;
    }

    private sealed class Account
    {
        public Lock Gate { get; } = new();

        public long Balance { get; set; }
    }

    /// <summary>Forgets everything; only <c>POST /_sim/reset</c> calls this.</summary>
    public void Clear() => _byCurrency.Clear();
}
