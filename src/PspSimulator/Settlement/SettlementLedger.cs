using System.Globalization;
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PspSimulator.Clock;
using PspSimulator.Truth;

namespace PspSimulator.Settlement;

/// <summary>
/// Captures and refunds by settlement day (UTC, simulator clock). A closed day is final: a capture or
/// refund that arrives on a day already closed goes to the first open day after it, keeping its own
/// <c>created_utc</c>, so no money movement is ever left out of every report.
/// </summary>
internal sealed class SettlementLedger(
    SimulatorClock clock,
    FeeCalculator fees,
    IOptions<SettlementOptions> options,
    ILogger<SettlementLedger> logger)
{
    private readonly ConcurrentDictionary<DateOnly, SettlementDay> _days = new();
    private readonly int _availableOnDays = options.Value.AvailableOnDays;
    private readonly Lock _autoCloseGate = new();
    private DateOnly _autoClosedThrough = clock.Today.AddDays(-1);

    /// <summary>Files a capture or refund under its settlement day.</summary>
    public void Record(MoneyMovement movement)
    {
        var date = DateOnly.FromDateTime(movement.At.UtcDateTime);
        while (!_days.GetOrAdd(date, static d => new SettlementDay(d)).TryAdd(movement))
        {
            date = date.AddDays(1);
        }
    }

    /// <summary>Closes a day (again is harmless) and returns its report's row count and whether it was closed before.</summary>
    public (int Rows, bool AlreadyClosed) Close(DateOnly date)
    {
        var day = _days.GetOrAdd(date, static d => new SettlementDay(d));
        var (rows, alreadyClosed) = day.Close(movements => SettlementCsv.Render(movements, date, _availableOnDays, fees));
        if (!alreadyClosed)
        {
            Log.SettlementDayClosed(logger, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), rows);
        }

        return (rows, alreadyClosed);
    }

    public string? Report(DateOnly date) => _days.TryGetValue(date, out var day) ? day.Report : null;

    /// <summary>Closes every day before today that is not closed yet (called by the pruner and on clock moves).</summary>
    public void AutoClose()
    {
        if (!options.Value.AutoClose)
        {
            return;
        }

        lock (_autoCloseGate)
        {
            var yesterday = clock.Today.AddDays(-1);
            for (var date = _autoClosedThrough.AddDays(1); date <= yesterday; date = date.AddDays(1))
            {
                Close(date);
                _autoClosedThrough = date;
            }
        }
    }

    /// <summary>Forgets closed days before the cutoff.</summary>
    public int Prune(DateOnly cutoff)
    {
        var removed = 0;
        foreach (var (date, day) in _days)
        {
            if (date < cutoff && day.Closed && _days.TryRemove(KeyValuePair.Create(date, day)))
            {
                removed++;
            }
        }

        return removed;
    }
}
