using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Payments.Ingress.Tests.Observability;

/// <summary>
/// Debian's <c>prometheus</c> as a child process on a loopback port, scraping one target every
/// second, with its configuration and storage in a temporary folder removed at the end. Asked
/// through its HTTP API, as Grafana asks it.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly ConcurrentQueue<string> _log;

    private PrometheusServer(Process process, string directory, ConcurrentQueue<string> log, HttpClient api)
    {
        _process = process;
        _directory = directory;
        _log = log;
        Api = api;
    }

    /// <summary>The binary on PATH, or null when the package is not installed.</summary>
    public static string? Binary { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => Path.Combine(directory, "prometheus"))
        .FirstOrDefault(File.Exists);

    public HttpClient Api { get; }

    /// <summary>What Prometheus logged so far (for a failure message).</summary>
    public string Log => string.Join('\n', _log.TakeLast(20));

    /// <summary>Starts it scraping <paramref name="target"/> (host:port) and evaluating <paramref name="ruleFile"/>; returns once it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(string target, string ruleFile)
    {
        var binary = Binary ?? throw new InvalidOperationException("prometheus is not installed.");
        var directory = Directory.CreateTempSubdirectory("payments-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            rule_files:
              - "{ruleFile}"
            scrape_configs:
              - job_name: payments
                metrics_path: /metrics
                static_configs:
                  - targets: ["{target}"]
            """);
        var address = $"127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add($"--config.file={config}");
        start.ArgumentList.Add($"--storage.tsdb.path={Path.Combine(directory, "data")}");
        start.ArgumentList.Add($"--web.listen-address={address}");
        var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start");
        var log = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => Keep(log, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, directory, log, new HttpClient { BaseAddress = new Uri($"http://{address}"), Timeout = TimeSpan.FromSeconds(10) });

        var clock = Stopwatch.StartNew();
        while (!await server.IsReadyAsync())
        {
            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                var logged = server.Log;
                await server.DisposeAsync();
                throw new InvalidOperationException($"prometheus did not become ready within 30 s:\n{logged}");
            }

            await Task.Delay(50);
        }

        return server;
    }

    /// <summary>An instant query (<c>/api/v1/query</c>): the series it returns, or the error Prometheus gave.</summary>
    public async Task<(JsonArray Series, string? Error)> QueryAsync(string expression)
    {
        using var response = await Api.GetAsync($"/api/v1/query?query={Uri.EscapeDataString(expression)}");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (string?)body["status"] == "success"
            ? (body["data"]!["result"] as JsonArray ?? [], null)
            : ([], $"{body["errorType"]}: {body["error"]}");
    }

    /// <summary>The rules Prometheus loaded (<c>/api/v1/rules</c>), each as it parsed it.</summary>
    public async Task<IReadOnlyList<JsonNode>> RulesAsync()
    {
        var body = JsonNode.Parse(await Api.GetStringAsync("/api/v1/rules"))!;
        return [.. body["data"]!["groups"]!.AsArray().SelectMany(group => group!["rules"]!.AsArray()).Select(rule => rule!)];
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<bool> IsReadyAsync()
    {
        try
        {
            using var ready = await Api.GetAsync("/-/ready");
            return ready.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static void Keep(ConcurrentQueue<string> log, string? line)
    {
        if (line is not null)
        {
            log.Enqueue(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
