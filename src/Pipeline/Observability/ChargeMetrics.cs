using Npgsql;
using Payments.Pipeline.Charges;
using Prometheus;

namespace Payments.Pipeline.Observability;

/// <summary>
/// What an operator watches first: charges moving (by status and actor), and how old the oldest
/// pending object of each kind is, by why it waits. A growing age means something is stuck (PSP
/// down, workers dead): the contract promises a final state within 2 minutes. And the disputes
/// that wait for the merchant or the PSP.
/// </summary>
public sealed class ChargeMetrics
{
    // One index-served scan per kind: each table has a partial index on its pending rows.
    private const string SelectPending = """
        SELECT 'charge', pending_reason, extract(epoch FROM now() - min(created_at))::float8, count(*)
        FROM charges WHERE status = 'pending' GROUP BY pending_reason
        UNION ALL
        SELECT kind, pending_reason, extract(epoch FROM now() - min(created_at))::float8, count(*)
        FROM charge_operations WHERE status = 'pending' GROUP BY kind, pending_reason
        UNION ALL
        SELECT 'refund', pending_reason, extract(epoch FROM now() - min(created_at))::float8, count(*)
        FROM refunds WHERE status = 'pending' GROUP BY pending_reason
        UNION ALL
        SELECT 'payout', CASE WHEN pending_reason = 'awaiting_psp' AND psp_reference IS NOT NULL THEN 'in_transit' ELSE pending_reason END,
               extract(epoch FROM now() - min(created_at))::float8, count(*)
        FROM payouts WHERE status = 'pending' GROUP BY 2
        UNION ALL
        SELECT 'dispute', status, 0, count(*)
        FROM disputes WHERE status IN ('needs_response', 'under_review') GROUP BY status
        """;

    private static readonly string[] Kinds = ["charge", "capture", "void", "refund", "payout"];
    private static readonly string[] Reasons = [PendingReason.AwaitingPsp, PendingReason.OutcomeUnknown, PendingReason.PspUnavailable, PendingReason.PspMismatch];

    // A payout the PSP has made waits for the bank (its arrival date, days at a real PSP), not for
    // us: it is told apart from one not yet sent, so only the latter counts against the 2 minutes.
    private const string InTransit = "in_transit";
    private static readonly string[] PayoutReasons = [.. Reasons, InTransit];
    private static readonly string[] OpenDisputeStatuses = ["needs_response", "under_review"];

    private readonly Counter _transitions;
    private readonly Counter _mismatches;
    private readonly Counter _suspectedDuplicates;
    private readonly Gauge _oldestAge;
    private readonly Gauge _pendingCount;
    private readonly Gauge _disputesOpen;
    private readonly NpgsqlDataSource _dataSource;
    private double _oldestChargeSeconds;
    private long _pendingCharges;

    public ChargeMetrics(PaymentsMetrics metrics, NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _dataSource = dataSource;
        _transitions = metrics.Counter("payments_charges_transitions_total", "Charge state changes, by target status and actor.", "status", "actor");
        _mismatches = metrics.Counter("payments_psp_mismatches_total",
            "PSP answers that cannot describe our object (another id, amount or currency): contract violations, never applied.", "kind");
        _suspectedDuplicates = metrics.Counter("payments_charges_suspected_duplicates_total",
            "New charges like a live one of the last window (new key, no order_id): flagged and recorded, or refused by the merchant's policy.", "outcome");
        _suspectedDuplicates.WithLabels("flagged");
        _suspectedDuplicates.WithLabels("refused");
        metrics.Gauge("payments_charges_pending_oldest_age_seconds", "Age of the oldest pending charge, as of the last recovery sweep.",
            () => Volatile.Read(ref _oldestChargeSeconds));
        metrics.Gauge("payments_charges_pending", "Pending charges, as of the last recovery sweep.", () => Interlocked.Read(ref _pendingCharges));
        _oldestAge = metrics.Factory.CreateGauge("payments_pending_oldest_age_seconds",
            "Age of the oldest pending object by kind (charge, capture, void, refund, payout) and pending reason (in_transit: a payout the PSP has made), as of the last recovery sweep.",
            ["kind", "reason"]);
        _pendingCount = metrics.Factory.CreateGauge("payments_pending", "Pending objects by kind and pending reason, as of the last recovery sweep.", ["kind", "reason"]);
        _disputesOpen = metrics.Factory.CreateGauge("payments_disputes_open", "Disputes waiting for a response or under review at the PSP.", ["status"]);
        Publish([]);
    }

    /// <summary>A suspected duplicate charge: recorded with its flag, or refused.</summary>
    public void SuspectedDuplicate(bool refused) => _suspectedDuplicates.WithLabels(refused ? "refused" : "flagged").Inc();

    public void Transitioned(string status, string actor) => _transitions.WithLabels(status, actor).Inc();

    public void PspMismatch(string kind) => _mismatches.WithLabels(kind).Inc();

    /// <summary>Refreshes the pending gauges; run by the sweep, so a scrape never queries the database.</summary>
    public async Task RefreshPendingAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(SelectPending);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<(string Kind, string Reason, double OldestSeconds, long Count)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add((reader.GetString(0), reader.IsDBNull(1) ? "none" : reader.GetString(1), reader.GetDouble(2), reader.GetInt64(3)));
        }

        Publish(rows);
    }

    // Every (kind, reason) is published, 0 when nothing waits, so a series never vanishes.
    private void Publish(List<(string Kind, string Reason, double OldestSeconds, long Count)> rows)
    {
        foreach (var kind in Kinds)
        {
            foreach (var reason in kind == "payout" ? PayoutReasons : Reasons)
            {
                var row = rows.FirstOrDefault(r => r.Kind == kind && r.Reason == reason);
                _oldestAge.WithLabels(kind, reason).Set(row.OldestSeconds);
                _pendingCount.WithLabels(kind, reason).Set(row.Count);
            }
        }

        foreach (var status in OpenDisputeStatuses)
        {
            _disputesOpen.WithLabels(status).Set(rows.FirstOrDefault(r => r.Kind == "dispute" && r.Reason == status).Count);
        }

        var charges = rows.Where(r => r.Kind == "charge").ToList();
        Volatile.Write(ref _oldestChargeSeconds, charges.Count == 0 ? 0 : charges.Max(r => r.OldestSeconds));
        Interlocked.Exchange(ref _pendingCharges, charges.Sum(r => r.Count));
    }
}
