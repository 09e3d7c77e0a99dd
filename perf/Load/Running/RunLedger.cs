using System.Collections.Concurrent;

namespace Payments.Load.Running;

/// <summary>
/// The charges this run got back from the service, and the first id each key was answered
/// with: a later answer for the same key with another id is a replay that created a second
/// charge, which the idempotency contract forbids.
/// </summary>
internal sealed class RunLedger
{
    private readonly ConcurrentDictionary<string, string> _idByKey = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _amountById = new(StringComparer.Ordinal);
    private long _replayMismatches;

    public IReadOnlyDictionary<string, long> AmountById => _amountById;

    public long ReplayMismatches => Volatile.Read(ref _replayMismatches);

    public void Accept(string key, string chargeId, long amount)
    {
        var first = _idByKey.GetOrAdd(key, chargeId);
        if (!string.Equals(first, chargeId, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _replayMismatches);
        }

        _amountById.TryAdd(chargeId, amount);
    }
}
