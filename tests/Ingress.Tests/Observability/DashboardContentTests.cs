using System.Text.Json.Nodes;
using Payments.Testing;

namespace Payments.Ingress.Tests.Observability;

/// <summary>The dashboard has a panel for each thing an operator of this service watches (issue 19).</summary>
public sealed class DashboardContentTests
{
    [Theory]
    [InlineData("oldest pending age by kind and reason", "max by (kind, reason) (payments_pending_oldest_age_seconds)")]
    [InlineData("charges by state over time", "sum by (status) (rate(payments_charges_transitions_total[1m]))")]
    [InlineData("PSP outcomes", "payments_psp_calls_total")]
    [InlineData("PSP latency", "payments_psp_call_duration_seconds_bucket")]
    [InlineData("PSP circuit breaker", "payments_psp_circuit_open")]
    [InlineData("admission", "payments_charges_in_progress_limit")]
    [InlineData("admission", "payments_charges_time_to_final_average_seconds")]
    [InlineData("outbox lag", "payments_outbox_replication_lag_seconds")]
    [InlineData("outbox retained WAL", "payments_outbox_retained_wal_bytes")]
    [InlineData("webhook backlog", "payments_webhooks_deliveries_pending")]
    [InlineData("webhook backlog", "payments_webhooks_deliveries_failed")]
    [InlineData("reconciliation", "payments_reconciliation_last_day_age_seconds")]
    [InlineData("reconciliation", "payments_discrepancies_open")]
    [InlineData("reconciliation", "payments_reconciliation_balance_difference_largest")]
    [InlineData("payouts", "payments_pending_oldest_age_seconds{kind=\"payout\"}")]
    [InlineData("payouts", "payments_payouts_ended_total")]
    public void Dashboard_has_a_panel_for(string what, string query)
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(TestCluster.RepositoryRoot(), "deploy", "grafana", "dashboards", "payments.json")))!;
        var expressions = dashboard["panels"]!.AsArray()
            .SelectMany(panel => panel!["targets"]?.AsArray() ?? [])
            .Select(target => (string)target!["expr"]!);

        Assert.True(expressions.Any(e => e.Contains(query, StringComparison.Ordinal)), $"no panel shows {what} ({query})");
    }
}
