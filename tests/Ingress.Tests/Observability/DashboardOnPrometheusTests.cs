using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Payments.Ingress.Tests.Reconciliation;
using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.Observability;

/// <summary>
/// The dashboard and the alert rules on a real Prometheus (Debian's): it scrapes the running
/// service every second and loads deploy/prometheus/alerts.yml, a little traffic makes the
/// series, and every PromQL expression of the Grafana dashboards and of the alert rules is
/// evaluated through its HTTP API. One that returns nothing is a broken panel or a rule watching
/// a series that does not exist. (Reconciliation runs are asked for here, so the fixture keeps
/// the worker from taking the day first.)
/// </summary>
public sealed partial class DashboardOnPrometheusTests(ManualReconcilerFixture service) : IClassFixture<ManualReconcilerFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [PrometheusFact]
    public async Task Every_dashboard_and_alert_expression_returns_series_from_a_real_Prometheus_scraping_the_service()
    {
        var root = TestCluster.RepositoryRoot();
        var alertsFile = Path.Combine(root, "deploy", "prometheus", "alerts.yml");
        await using var prometheus = await PrometheusServer.StartAsync(new Uri(service.ServiceUrl).Authority, alertsFile);
        await DriveTrafficAsync();
        await Poll.UntilAsync(
            async () => (await prometheus.QueryAsync("sum_over_time(up{job=\"payments\"}[1m]) >= 3")).Series.Count == 1,
            $"three successful scrapes of the service's /metrics; prometheus logged:\n{prometheus.Log}",
            Bound);

        var panels = DashboardExpressions(Path.Combine(root, "deploy", "grafana", "dashboards"));
        var alertCount = AlertRule().Count(await File.ReadAllTextAsync(alertsFile));
        Assert.NotEmpty(panels);
        Assert.True(alertCount > 0, "no alert in alerts.yml");

        // Polled: a rate needs two scrapes after its series appeared, the payout sweep publishes
        // what is owed at its next tick, and a rule's health is known after its first evaluation.
        var broken = await Poll.UntilAsync(
            async () =>
            {
                var problems = new List<string>();
                foreach (var (source, expression) in panels)
                {
                    problems.AddRange(await ProblemAsync(prometheus, source, expression));
                }

                var rules = await prometheus.RulesAsync();
                if (rules.Count != alertCount)
                {
                    problems.Add($"prometheus loaded {rules.Count} rules, alerts.yml has {alertCount}");
                }

                foreach (var rule in rules)
                {
                    var source = $"alert {rule["name"]}";
                    if ((string?)rule["health"] != "ok")
                    {
                        problems.Add($"{source}: health {rule["health"]} {rule["lastError"]}");
                    }

                    // Its own expression with the comparison made `bool`: every series it watches
                    // answers 0 (quiet) or 1 (firing) instead of being dropped, so a quiet alert
                    // still proves its series exist, and the threshold is evaluated as written.
                    var query = (string)rule["query"]!;
                    var shape = Comparison().Match(query);
                    if (!shape.Success)
                    {
                        problems.Add($"{source}: not of the shape `<series> <comparison> <number>` (alerts.yml, header): {query}");
                        continue;
                    }

                    problems.AddRange(await ProblemAsync(prometheus, source, $"{shape.Groups["series"].Value} {shape.Groups["op"].Value} bool {shape.Groups["threshold"].Value}"));
                }

                return problems;
            },
            problems => problems.Count == 0,
            problems => $"{problems.Count} expressions return no series:\n{string.Join('\n', problems)}",
            Bound);

        Assert.Empty(broken);
    }

    /// <summary>A few charges (captured, so the payout sweep publishes what is owed), and a reconciliation run of today.</summary>
    private async Task DriveTrafficAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(1000 + i));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            await service.WaitForFinalAsync((string)(await ServiceFixture.ReadObjectAsync(response))["id"]!, Bound);
        }

        using var closed = await service.Simulator.PostAsync("/_sim/settlement/close", null);
        Assert.True(closed.IsSuccessStatusCode, await closed.Content.ReadAsStringAsync());
        var date = (string)(await ServiceFixture.ReadObjectAsync(closed))["date"]!;
        using var operatorClient = service.ClientFor(ServiceFixture.OperatorKey);
        using var run = await ServiceFixture.PostJsonAsync(operatorClient, "/v1/reconciliation/runs", ChargeBodies.NewKey(), $"{{\"date\": \"{date}\"}}");
        Assert.True(run.IsSuccessStatusCode, await run.Content.ReadAsStringAsync());
        Assert.Equal("completed", (string?)(await ServiceFixture.ReadObjectAsync(run))["status"]);
    }

    private static async Task<IEnumerable<string>> ProblemAsync(PrometheusServer prometheus, string source, string expression)
    {
        var (series, error) = await prometheus.QueryAsync(expression);
        return error is not null ? [$"{source}: {error}: {expression}"]
            : series.Count == 0 ? [$"{source}: no series: {expression}"]
            : [];
    }

    /// <summary>Every target expression of every panel of every dashboard, with where it comes from.</summary>
    private static List<(string Source, string Expression)> DashboardExpressions(string directory) =>
        [.. Directory.GetFiles(directory, "*.json").SelectMany(file =>
            JsonNode.Parse(File.ReadAllText(file))!["panels"]!.AsArray()
                .SelectMany(panel => (panel!["targets"]?.AsArray() ?? []).Select(target =>
                    ($"{Path.GetFileName(file)} panel {panel["id"]} \"{panel["title"]}\"", (string)target!["expr"]!))))];

    [GeneratedRegex(@"^\s*- alert:", RegexOptions.Multiline)]
    private static partial Regex AlertRule();

    // As Prometheus prints a rule's query: the top-level comparison and its number last.
    [GeneratedRegex(@"^(?<series>.+) (?<op>==|!=|>=|<=|>|<) (?<threshold>[-+]?[0-9.]+(?:e[-+]?[0-9]+)?)$")]
    private static partial Regex Comparison();
}
