namespace PspSimulator.Payouts;

/// <summary>
/// Payouts by the time their next step is due, earliest first, so that the sweep touches only those
/// whose time has come. Each payout has at most one entry: it is added at creation, and the sweep that
/// takes it out adds the payout's next due time, if any. A request that moved the payout first leaves
/// an early entry behind, which the sweep then finds with nothing to do.
/// </summary>
internal sealed class PayoutSchedule
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<string, long> _byDue = new();

    public void Add(string payoutId, long due)
    {
        lock (_gate)
        {
            _byDue.Enqueue(payoutId, due);
        }
    }

    /// <summary>Takes out every id due at or before <paramref name="now"/>.</summary>
    public List<string> TakeDue(long now)
    {
        var due = new List<string>();
        lock (_gate)
        {
            while (_byDue.TryPeek(out var id, out var at) && at <= now)
            {
                _byDue.Dequeue();
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
            _byDue.Clear();
        }
    }
}
