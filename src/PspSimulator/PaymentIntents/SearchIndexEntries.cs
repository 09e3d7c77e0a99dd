namespace PspSimulator.PaymentIntents;

/// <summary>The PaymentIntents of one charge id; guarded by its own lock.</summary>
internal sealed class SearchIndexEntries
{
    public List<(string PaymentIntentId, long VisibleAt)> Items { get; } = [];

    /// <summary>Set when pruning took this list out of the index; an add must then start over.</summary>
    public bool Detached { get; set; }
}
