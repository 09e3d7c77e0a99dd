using Npgsql;
using Prometheus;

namespace Payments.Pipeline.Observability;

/// <summary>
/// What an operator watches first: charges moving (by status and actor), and how old the
/// oldest pending charge is. A growing age means charges are stuck (PSP down, workers dead):
/// the contract promises a final state within 2 minutes.
/// </summary>
public sealed class ChargeMetrics
{
    private const string SelectOldestPending = """
        SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8, count(*)
        FROM charges
        WHERE status = 'pending'
        """;

    private readonly Counter _transitions;
    private readonly Counter _mismatches;
    private readonly NpgsqlDataSource _dataSource;
    private double _oldestPendingSeconds;
    private long _pending;

    public ChargeMetrics(PaymentsMetrics metrics, NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _dataSource = dataSource;
        _transitions = metrics.Counter("payments_charges_transitions_total", "Charge state changes, by target status and actor.", "status", "actor");
        _mismatches = metrics.Counter("payments_psp_mismatches_total",
            "PSP answers that cannot describe our object (another id, amount or currency): contract violations, never applied.", "kind");
        metrics.Gauge("payments_charges_pending_oldest_age_seconds", "Age of the oldest pending charge, as of the last recovery sweep.",
            () => Volatile.Read(ref _oldestPendingSeconds));
        metrics.Gauge("payments_charges_pending", "Pending charges, as of the last recovery sweep.", () => Interlocked.Read(ref _pending));
    }

    public void Transitioned(string status, string actor) => _transitions.WithLabels(status, actor).Inc();

    public void PspMismatch(string kind) => _mismatches.WithLabels(kind).Inc();

    /// <summary>Refreshes the pending gauges; run by the sweep, so a scrape never queries the database.</summary>
    public async Task RefreshPendingAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(SelectOldestPending);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            Volatile.Write(ref _oldestPendingSeconds, reader.GetDouble(0));
            Interlocked.Exchange(ref _pending, reader.GetInt64(1));
        }
    }
}
