using Npgsql;
using Payments.Pipeline.Observability;
using Prometheus;

namespace Payments.Pipeline.Reconciliation;

/// <summary>
/// How finance's day closes: the last day reconciled and its age (a growing age means the PSP's
/// reports are not coming or runs fail), the discrepancies waiting for an operator by kind, the
/// balance difference of the last run per currency, and how long runs take.
/// </summary>
internal sealed class ReconciliationMetrics
{
    private static readonly string[] OpenKinds = ["missing_at_psp", "unknown_at_psp", "amount_mismatch", "currency_mismatch", "duplicate_line", "balance_mismatch"];

    private const string SelectState = """
        SELECT 'day', NULL, extract(epoch FROM max(date)::timestamp AT TIME ZONE 'UTC')::float8 FROM reconciliation_runs WHERE status = 'completed'
        UNION ALL
        SELECT 'open', kind, count(*)::float8 FROM discrepancies WHERE status = 'open' GROUP BY kind
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly Gauge _open;
    private readonly Gauge _difference;
    private readonly Histogram _duration;
    private double _lastDay = double.NaN;

    public ReconciliationMetrics(PaymentsMetrics metrics, NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _dataSource = dataSource;
        metrics.Gauge("payments_reconciliation_last_day_age_seconds",
            "Seconds since the end of the last settlement day reconciled (NaN before the first run); above a day and a bit, reports are missing or runs fail.",
            () => double.IsNaN(Volatile.Read(ref _lastDay)) ? double.NaN : DateTimeOffset.UtcNow.ToUnixTimeSeconds() - (Volatile.Read(ref _lastDay) + 86_400));
        _open = metrics.Factory.CreateGauge("payments_discrepancies_open", "Reconciliation discrepancies waiting for an operator, by kind.", ["kind"]);
        _difference = metrics.Factory.CreateGauge("payments_reconciliation_balance_difference",
            "The PSP's balance less the ledger's psp_receivable after the last run, per currency (minor units; 0 when they agree).", ["currency"]);
        _duration = metrics.Histogram("payments_reconciliation_run_duration_seconds", "Time of one reconciliation run, from its report read to its balances compared.",
            [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120]);
        foreach (var kind in OpenKinds)
        {
            _open.WithLabels(kind).Set(0);
        }
    }

    public void Completed(DateOnly date, TimeSpan took, Dictionary<string, long> psp, Dictionary<string, long> ledger)
    {
        _duration.Observe(took.TotalSeconds);
        foreach (var currency in psp.Keys.Union(ledger.Keys))
        {
            _difference.WithLabels(currency).Set(psp.GetValueOrDefault(currency) - ledger.GetValueOrDefault(currency));
        }

        Volatile.Write(ref _lastDay, Math.Max(double.IsNaN(_lastDay) ? 0 : _lastDay, date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Subtract(DateTime.UnixEpoch).TotalSeconds));
    }

    /// <summary>Refreshes the last day and the open discrepancies from the database (the worker's each look).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var open = OpenKinds.ToDictionary(k => k, _ => 0.0, StringComparer.Ordinal);
        await using var command = _dataSource.CreateCommand(SelectState);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.GetString(0) == "day")
            {
                Volatile.Write(ref _lastDay, reader.IsDBNull(2) ? double.NaN : reader.GetDouble(2));
            }
            else
            {
                open[reader.GetString(1)] = reader.GetDouble(2);
            }
        }

        foreach (var (kind, count) in open)
        {
            _open.WithLabels(kind).Set(count);
        }
    }
}
