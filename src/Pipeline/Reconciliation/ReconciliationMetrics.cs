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

    // The last day reconciled, the open discrepancies, and the last run's balance difference per currency.
    private const string SelectState = """
        SELECT 'day', NULL, extract(epoch FROM max(date)::timestamp AT TIME ZONE 'UTC')::float8 FROM reconciliation_runs WHERE status = 'completed'
        UNION ALL
        SELECT 'open', kind, count(*)::float8 FROM discrepancies WHERE status = 'open' GROUP BY kind
        UNION ALL
        SELECT 'difference', b.currency, (b.psp - b.ledger)::float8
        FROM (SELECT * FROM reconciliation_runs WHERE status = 'completed' ORDER BY date DESC, completed_at DESC LIMIT 1) AS r,
             LATERAL (SELECT p->>'currency' AS currency, sum((p->>'amount')::bigint) AS psp, 0 AS ledger FROM jsonb_array_elements(r.psp_balance) AS p GROUP BY 1
                      UNION ALL
                      SELECT l->>'currency', 0, sum((l->>'amount')::bigint) FROM jsonb_array_elements(r.ledger_psp_balance) AS l GROUP BY 1) AS b
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly Gauge _open;
    private readonly Gauge _difference;
    private readonly Histogram _duration;
    private double _lastDay = double.NaN;
    private double _largestDifference = double.NaN;

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
        metrics.Gauge("payments_reconciliation_balance_difference_largest",
            "The largest absolute difference between the PSP's balance and the ledger's psp_receivable after the last run, over currencies (NaN before the first run).",
            () => Volatile.Read(ref _largestDifference));
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
        var largest = 0.0;
        foreach (var currency in psp.Keys.Union(ledger.Keys))
        {
            var difference = psp.GetValueOrDefault(currency) - ledger.GetValueOrDefault(currency);
            _difference.WithLabels(currency).Set(difference);
            largest = Math.Max(largest, Math.Abs(difference));
        }

        Volatile.Write(ref _largestDifference, largest);

        Volatile.Write(ref _lastDay, Math.Max(double.IsNaN(_lastDay) ? 0 : _lastDay, date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Subtract(DateTime.UnixEpoch).TotalSeconds));
    }

    /// <summary>Refreshes the last day and the open discrepancies from the database (the worker's each look).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var open = OpenKinds.ToDictionary(k => k, _ => 0.0, StringComparer.Ordinal);
        var differences = new Dictionary<string, double>(StringComparer.Ordinal);
        await using var command = _dataSource.CreateCommand(SelectState);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.GetString(0) == "day")
            {
                Volatile.Write(ref _lastDay, reader.IsDBNull(2) ? double.NaN : reader.GetDouble(2));
            }
            else if (reader.GetString(0) == "open")
            {
                open[reader.GetString(1)] = reader.GetDouble(2);
            }
            else
            {
                differences[reader.GetString(1)] = differences.GetValueOrDefault(reader.GetString(1)) + reader.GetDouble(2);
            }
        }

        foreach (var (kind, count) in open)
        {
            _open.WithLabels(kind).Set(count);
        }

        foreach (var (currency, difference) in differences)
        {
            _difference.WithLabels(currency).Set(difference);
        }

        Volatile.Write(ref _largestDifference, differences.Count == 0 ? double.NaN : differences.Values.Max(Math.Abs));
    }
}
