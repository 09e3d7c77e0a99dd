using Npgsql;
using Payments.Pipeline.Observability;
using Prometheus;

namespace Payments.Pipeline.Payouts;

/// <summary>
/// Payouts ending (paid, failed), answers that cannot be ours, and what the platform owes its
/// payees in total, by kind (seller, merchant), state (available, pending) and currency. The
/// totals are read by the payout sweep now and then, never by a scrape. (Payouts pending by age
/// and reason are in <see cref="ChargeMetrics"/>' pending gauges, kind <c>payout</c>.)
/// </summary>
internal sealed class PayoutMetrics
{
    private const string SelectOwed = """
        SELECT split_part(a.id, '_payable:', 1), b.currency, sum(b.available)::bigint, sum(b.pending)::bigint
        FROM ledger_accounts AS a
        CROSS JOIN LATERAL payable_balance(a.id) AS b
        WHERE a.id LIKE 'seller\_payable:%' OR a.id LIKE 'merchant\_payable:%'
        GROUP BY 1, 2
        """;

    private readonly Counter _ended;
    private readonly Counter _mismatches;
    private readonly Gauge _owed;
    private readonly NpgsqlDataSource _dataSource;

    public PayoutMetrics(PaymentsMetrics metrics, NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _dataSource = dataSource;
        _ended = metrics.Counter("payments_payouts_ended_total", "Payouts that reached paid or failed (a paid one that fails later counts again).", "status");
        _mismatches = metrics.Counter("payments_payouts_psp_mismatches_total", "PSP payouts shown to us that cannot be the payout they were read for.");
        _owed = metrics.Factory.CreateGauge("payments_payable_balance", "What the platform owes its payees, by kind, state and currency, as of the last payout sweep.",
            ["payee", "state", "currency"]);
        foreach (var status in new[] { PayoutLifecycle.Paid, PayoutLifecycle.Failed })
        {
            _ended.WithLabels(status);
        }
    }

    public void Ended(string status) => _ended.WithLabels(status).Inc();

    public void Mismatch() => _mismatches.Inc();

    /// <summary>Reads the payees' balances in total (one scan of the payable accounts' entries); false while nothing is owed to anyone.</summary>
    public async Task<bool> RefreshOwedAsync(CancellationToken cancellationToken = default)
    {
        var any = false;
        await using var command = _dataSource.CreateCommand(SelectOwed);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var payee = reader.GetString(0);
            var currency = reader.GetString(1);
            _owed.WithLabels(payee, "available", currency).Set(reader.GetInt64(2));
            _owed.WithLabels(payee, "pending", currency).Set(reader.GetInt64(3));
            any = true;
        }

        return any;
    }
}
