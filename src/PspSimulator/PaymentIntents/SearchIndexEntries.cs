namespace PspSimulator.PaymentIntents;

/// <summary>
/// The PaymentIntents of one charge id, guarded by its own lock. Almost every charge id has exactly
/// one intent, so the first is held inline and a list exists only for the rest.
/// </summary>
internal sealed class SearchIndexEntries
{
    private string? _firstId;
    private long _firstVisibleAt;
    private List<(string PaymentIntentId, long VisibleAt)>? _more;

    /// <summary>Set when pruning took this entry out of the index; an add must then start over.</summary>
    public bool Detached { get; set; }

    public bool IsEmpty => _firstId is null;

    public void Add(string paymentIntentId, long visibleAt)
    {
        if (_firstId is null)
        {
            _firstId = paymentIntentId;
            _firstVisibleAt = visibleAt;
            return;
        }

        (_more ??= []).Add((paymentIntentId, visibleAt));
    }

    public void Remove(string paymentIntentId)
    {
        _more?.RemoveAll(entry => entry.PaymentIntentId == paymentIntentId);
        if (_firstId == paymentIntentId)
        {
            _firstId = null;
            if (_more is { Count: > 0 })
            {
                (_firstId, _firstVisibleAt) = _more[0];
                _more.RemoveAt(0);
            }
        }
    }

    public void CollectVisible(long now, List<string> found)
    {
        if (_firstId is not null && _firstVisibleAt <= now)
        {
            found.Add(_firstId);
        }

        foreach (var (id, visibleAt) in _more ?? [])
        {
            if (visibleAt <= now)
            {
                found.Add(id);
            }
        }
    }
}
