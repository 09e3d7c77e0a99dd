using System.Collections.Concurrent;

namespace Payments.Load.Measuring;

/// <summary>How often each outcome ("201", "503 overloaded", "error ConnectionError", …) was seen.</summary>
internal sealed class OutcomeCounts
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public void Add(string outcome) => _counts.AddOrUpdate(outcome, 1, static (_, n) => n + 1);

    public long Of(string outcome) => _counts.GetValueOrDefault(outcome);

    public SortedDictionary<string, long> Snapshot() => new(_counts, StringComparer.Ordinal);
}
