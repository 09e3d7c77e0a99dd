using Payments.Pipeline.Reconciliation;
using Payments.Testing;

namespace Payments.Pipeline.Tests.Reconciliation;

/// <summary>The days the reconciliation worker looks at: every day of ours within the look-back that no run completed.</summary>
public sealed class ReconciliationDatesTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Day_left_unreconciled_before_a_later_completed_run_is_still_looked_at()
    {
        var today = DateOnly.FromDateTime(await database.ScalarAsync<DateTime>("SELECT (now() AT TIME ZONE 'UTC')::date::timestamp"));
        await database.ExecuteAsync("INSERT INTO merchants (id, name) VALUES ('mch_dates', 'dates') ON CONFLICT (id) DO NOTHING");
        await database.ExecuteAsync("""
            INSERT INTO charges (id, merchant_id, idempotency_key, request_hash, amount, currency, payment_method, capture, created_at)
            VALUES ('ch_dates_1', 'mch_dates', 'key_dates_1', sha256('dates'::bytea), 1000, 'USD', 'pm_card_visa', true, now() - interval '3 days')
            """);
        // An operator reconciled yesterday by hand while the worker had not yet reached the two days
        // before it (the service was down, or their reports failed to parse).
        await database.ExecuteAsync("INSERT INTO reconciliation_runs (id, date, status) VALUES ('rr_dates_1', $1, 'completed')", today.AddDays(-1));
        await database.ExecuteAsync("INSERT INTO reconciliation_runs (id, date, status, failure_reason) VALUES ('rr_dates_2', $1, 'failed', 'malformed report')", today.AddDays(-2));

        var dates = await new ReconciliationStore(database.DataSource).DatesToReconcileAsync(31, CancellationToken.None);

        Assert.Equal([today.AddDays(-3), today.AddDays(-2), today], dates);
    }
}
