using System.Collections.Concurrent;
namespace PspSimulator.Settlement;

/// <summary>
/// One settlement day: open while balance transactions come in, then closed with its report, which is
/// written once, so fetching it again gives the same bytes.
/// <para>
/// Every balance transaction of a day lands here, so adding takes no lock: a writer announces itself, checks that
/// the day is still open and enqueues; closing marks the day closed and then waits for the writers it
/// may have raced with. A writer that sees the day closed goes to the next day instead. Both sides use
/// full fences (interlocked operations), so either the writer sees the day closed or the closer sees the
/// writer and waits for its line: none is lost or reported twice.
/// </para>
/// </summary>
internal sealed class SettlementDay(DateOnly date)
{
    private readonly ConcurrentQueue<BalanceTransaction> _lines = new();
    private readonly Lock _closeGate = new();
    private int _writers;
    private int _closed;
    private string? _report;
    private int _reportRows;

    public DateOnly Date { get; } = date;

    public bool Closed => Volatile.Read(ref _closed) == 1;

    public string? Report => Volatile.Read(ref _report);

    /// <summary>Adds a line, or returns false when the day is already closed.</summary>
    public bool TryAdd(BalanceTransaction line)
    {
        Interlocked.Increment(ref _writers);
        try
        {
            if (Volatile.Read(ref _closed) == 1)
            {
                return false;
            }

            _lines.Enqueue(line);
            return true;
        }
        finally
        {
            Interlocked.Decrement(ref _writers);
        }
    }

    /// <summary>Closes the day once; later calls return the same row count and <c>true</c>.</summary>
    public (int Rows, bool AlreadyClosed) Close(Func<IReadOnlyCollection<BalanceTransaction>, string> render)
    {
        lock (_closeGate)
        {
            if (Interlocked.Exchange(ref _closed, 1) == 1)
            {
                return (_reportRows, true);
            }

            var spin = new SpinWait();
            while (Volatile.Read(ref _writers) != 0)
            {
                spin.SpinOnce();
            }

            var lines = _lines.ToArray();
            _lines.Clear();
            _reportRows = lines.Length;
            Volatile.Write(ref _report, render(lines));
            return (_reportRows, false);
        }
    }
}
