using System.Globalization;
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PspSimulator.Clock;
using PspSimulator.Truth;

namespace PspSimulator.Settlement;

/// <summary>
/// Balance transactions by settlement day (UTC, simulator clock), and the platform's balance they add up
/// to. A closed day is final: a line carried out on a day already closed goes to the first open day
/// after it, keeping its own <c>created_utc</c>, so no balance transaction is left out of every report
/// and none is in two.
/// </summary>
internal sealed class SettlementLedger(
    SimulatorClock clock,
    BalanceTransactionMapper mapper,
    PlatformBalance balance,
    IOptions<SettlementOptions> options,
    ILogger<SettlementLedger> logger)
{
    private readonly ConcurrentDictionary<DateOnly, SettlementDay> _days = new();
    private readonly int _availableOnDays = options.Value.AvailableOnDays;
    private readonly Lock _autoCloseGate = new();
    private DateOnly _autoClosedThrough = clock.Today.AddDays(-1);

    /// <summary>
    /// Adds a movement's balance transaction, if it is one, to the balance and files it under its
    /// settlement day. Called under the PaymentIntent's lock, where the movement is carried out.
    /// </summary>
    public void Record(MoneyMovement movement)
    {
        if (mapper.From(movement) is not { } line)
        {
            return;
        }

        balance.Add(line.Currency, line.Net);
        var date = DateOnly.FromDateTime(line.Created.UtcDateTime);
        while (!_days.GetOrAdd(date, static d => new SettlementDay(d)).TryAdd(line))
        {
            date = date.AddDays(1);
        }
    }

    /// <summary>Closes a day (again is harmless) and returns its report's row count and whether it was closed before.</summary>
    public (int Rows, bool AlreadyClosed) Close(DateOnly date)
    {
        var day = _days.GetOrAdd(date, static d => new SettlementDay(d));
        var (rows, alreadyClosed) = day.Close(lines => SettlementCsv.Render(lines, date, _availableOnDays));
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

    /// <summary>Forgets every day, as at start by the clock as it is now; only <c>POST /_sim/reset</c> calls this.</summary>
    public void Clear()
    {
        lock (_autoCloseGate)
        {
            _days.Clear();
            _autoClosedThrough = clock.Today.AddDays(-1);
        }
    }
}
