using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.Health;

public sealed partial class HealthAndMetricsTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Health_and_readiness_answer_200_once_migrated_and_running()
    {
        using var client = new HttpClient { BaseAddress = new Uri(service.ServiceUrl) };

        using var health = await client.GetAsync("/healthz");
        using var ready = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Metrics_are_valid_prometheus_text_with_the_pipeline_instruments()
    {
        using var charge = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(321));
        using var client = new HttpClient { BaseAddress = new Uri(service.ServiceUrl) };

        using var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("payments_psp_calls_total{operation=\"create\",outcome=\"completed\"}", text, StringComparison.Ordinal);
        Assert.Contains("payments_charges_transitions_total", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE payments_psp_call_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("payments_charges_in_progress ", text, StringComparison.Ordinal);
        Assert.Contains("payments_charges_in_progress_limit ", text, StringComparison.Ordinal);
        Assert.Contains("payments_charges_time_to_final_average_seconds ", text, StringComparison.Ordinal);
        Assert.Contains("microsoft_aspnetcore_hosting_http_server_request_duration_count{", text, StringComparison.Ordinal);
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                Assert.True(declared.Add(line.Split(' ')[2]), $"metric declared twice: {line}");
                continue;
            }

            if (!line.StartsWith('#'))
            {
                Assert.Matches(SampleLine(), line);
            }
        }

        await AssertPromtoolAcceptsAsync(text);
    }

    [Fact]
    public async Task Metrics_serve_every_series_the_Grafana_dashboard_queries()
    {
        using var charge = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(322));
        using var client = new HttpClient { BaseAddress = new Uri(service.ServiceUrl) };

        // What is owed to payees is read by the payout sweep, at its next tick after the first capture.
        var text = await Poll.UntilAsync(
            () => client.GetStringAsync("/metrics"),
            metrics => metrics.Contains("payments_payable_balance{", StringComparison.Ordinal),
            _ => "the payout sweep never published what is owed to payees",
            TimeSpan.FromSeconds(15));
        var served = text
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith('#'))
            .Select(line => line[..line.IndexOfAny(['{', ' '])])
            .ToHashSet(StringComparer.Ordinal);
        var dashboard = await File.ReadAllTextAsync(Path.Combine(TestCluster.RepositoryRoot(), "deploy", "grafana", "dashboards", "payments.json"));
        var queries = JsonNode.Parse(dashboard)!["panels"]!.AsArray()
            .SelectMany(panel => panel!["targets"]?.AsArray() ?? [])
            .Select(target => (string)target!["expr"]!)
            .ToList();

        Assert.NotEmpty(queries);
        foreach (var query in queries)
        {
            var selectors = NameSelector().Matches(query).Select(m => new Regex($"^(?:{m.Groups[1].Value})$")).ToList();
            foreach (var selector in selectors)
            {
                Assert.True(served.Any(selector.IsMatch), $"the dashboard's {selector} matches no series served: {query}");
            }

            var names = MetricName().Matches(NameSelector().Replace(query, "")).Select(m => m.Value).ToList();
            Assert.True(names.Count + selectors.Count > 0, $"no series named in {query}");
            foreach (var name in names)
            {
                Assert.True(served.Contains(name), $"the dashboard queries {name}, which /metrics does not serve: {query}");
            }
        }
    }

    /// <summary>Prometheus's own checker, when the machine has it (Debian package prometheus).</summary>
    private static async Task AssertPromtoolAcceptsAsync(string text)
    {
        if (!File.Exists("/usr/bin/promtool"))
        {
            return;
        }

        var start = new ProcessStartInfo("/usr/bin/promtool") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("check");
        start.ArgumentList.Add("metrics");
        using var promtool = Process.Start(start)!;
        await promtool.StandardInput.WriteAsync(text);
        promtool.StandardInput.Close();
        var errors = await promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync();
        Assert.True(promtool.ExitCode == 0, errors);
    }

    // A series name in a PromQL query: ours all start with payments_.
    [GeneratedRegex("payments_[a-z0-9_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex("__name__=~\"([^\"]+)\"")]
    private static partial Regex NameSelector();

    [GeneratedRegex("""^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? (?:[-+0-9.eE]+|\+Inf|NaN)$""")]
    private static partial Regex SampleLine();
}
