using System.Collections.Concurrent;
using PspSimulator.Truth;

namespace PspSimulator.Settlement;

/// <summary>
/// One settlement day: open while captures and refunds come in, then closed with its report. It keeps
/// the movements themselves (already kept for the truth) and derives fees and balance transaction ids
/// only when the day closes.
/// <para>
/// Every capture of a day lands here, so adding takes no lock: a writer announces itself, checks that
/// the day is still open and enqueues; closing marks the day closed and then waits for the writers it
/// may have raced with. A writer that sees the day closed goes to the next day instead. Both sides use
/// full fences (interlocked operations), so either the writer sees the day closed or the closer sees the
/// writer and waits for its movement: none is lost or reported twice.
/// </para>
/// </summary>
internal sealed class SettlementDay(DateOnly date)
{
    private readonly ConcurrentQueue<MoneyMovement> _movements = new();
    private readonly Lock _closeGate = new();
    private int _writers;
    private int _closed;
    private string? _report;
    private int _reportRows;

    public DateOnly Date { get; } = date;

    public bool Closed => Volatile.Read(ref _closed) == 1;

    public string? Report => Volatile.Read(ref _report);

    /// <summary>Adds a movement, or returns false when the day is already closed.</summary>
    public bool TryAdd(MoneyMovement movement)
    {
        Interlocked.Increment(ref _writers);
        try
        {
            if (Volatile.Read(ref _closed) == 1)
            {
                return false;
            }

            _movements.Enqueue(movement);
            return true;
        }
        finally
        {
            Interlocked.Decrement(ref _writers);
        }
    }

    /// <summary>Closes the day once; later calls return the same row count and <c>true</c>.</summary>
    public (int Rows, bool AlreadyClosed) Close(Func<IReadOnlyCollection<MoneyMovement>, string> render)
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

            var movements = _movements.ToArray();
            _movements.Clear();
            _reportRows = movements.Length;
            Volatile.Write(ref _report, render(movements));
            return (_reportRows, false);
        }
    }
}
