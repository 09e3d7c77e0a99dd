using System.Collections.Concurrent;

namespace Payments.Pipeline.Charges;

/// <summary>
/// The charges whose PaymentIntent create this process is sending and recording right now. The
/// PSP's webhook for such a charge usually arrives before the call's own answer (the simulator, like
/// Stripe, sends it as the PaymentIntent moves), and it can only say what that answer will: the
/// webhook handler acknowledges it without a row, a follow-up or a read of the PSP. If the call
/// ends without an outcome, the charge is still pending, and its own resolution (a replay under the
/// same key, else the search) reads the PSP; a crash leaves it to the recovery sweep.
/// </summary>
public sealed class CreateCallsInFlight
{
    private readonly ConcurrentDictionary<string, byte> _charges = new(StringComparer.Ordinal);

    public bool Contains(string chargeId) => _charges.ContainsKey(chargeId);

    /// <summary>Marks the charge until the returned scope is disposed (after the outcome is recorded).</summary>
    public Scope Enter(string chargeId)
    {
        // A charge's work runs in its partition one item at a time; a nested entry is left to the outer one.
        return _charges.TryAdd(chargeId, 0) ? new Scope(this, chargeId) : new Scope(null, chargeId);
    }

    public readonly struct Scope(CreateCallsInFlight? owner, string chargeId) : IDisposable
    {
        public void Dispose() => owner?._charges.TryRemove(chargeId, out _);
    }
}
