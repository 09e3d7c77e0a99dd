namespace PspSimulator.PaymentIntents;

/// <summary>
/// Authorizations by <c>capture_before</c>, earliest first, so that the sweep touches only those whose
/// time has come instead of scanning every PaymentIntent. An entry stays until its time even when the
/// intent is captured, canceled or pruned before (the sweep then finds nothing to do): taking it out
/// early would cost a search per capture, and an entry is only a number and the intent's own id string,
/// so at most one validity period's worth of manual authorizations is held.
/// </summary>
internal sealed class AuthorizationExpiryQueue
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<string, long> _byCaptureBefore = new();

    public void Add(string paymentIntentId, long captureBefore)
    {
        lock (_gate)
        {
            _byCaptureBefore.Enqueue(paymentIntentId, captureBefore);
        }
    }

    /// <summary>Takes out every id whose <c>capture_before</c> is at or before <paramref name="now"/>.</summary>
    public List<string> TakeDue(long now)
    {
        var due = new List<string>();
        lock (_gate)
        {
            while (_byCaptureBefore.TryPeek(out var id, out var captureBefore) && captureBefore <= now)
            {
                _byCaptureBefore.Dequeue();
                due.Add(id);
            }
        }

        return due;
    }

    /// <summary>Forgets everything; only <c>POST /_sim/reset</c> calls this.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _byCaptureBefore.Clear();
        }
    }
}
