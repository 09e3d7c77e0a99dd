using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Payments.Pipeline.Storage.Embedded;
using Payments.Testing;
using PspSimulator;

namespace Payments.Chaos.Stack;

/// <summary>
/// Everything one chaos run drives, started once and shared by its schedules: a PostgreSQL cluster
/// of its own (so that an immediate stop hurts nobody else), the PSP simulator, two service
/// processes on that one database (and so one outbox slot), and the merchant's webhook endpoint.
/// The PSP's webhooks go to both instances; the merchant calls either.
/// </summary>
internal sealed class ChaosStack : IAsyncDisposable
{
    private static int s_started;

    private readonly EmbeddedPostgres _postgres;
    private readonly WebApplication _simulator;

    private ChaosStack(EmbeddedPostgres postgres, WebApplication simulator, NpgsqlDataSource database, WebhookSink sink, ServiceInstance[] instances)
    {
        _postgres = postgres;
        _simulator = simulator;
        Database = database;
        Sink = sink;
        Instances = instances;
        Simulator = new HttpClient { BaseAddress = new Uri(simulator.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
        Simulator.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", StackKeys.PspApiKey);
    }

    /// <summary>The simulator, with the PSP's secret key (its dashboard's view and its /_sim control surface).</summary>
    public HttpClient Simulator { get; }

    public NpgsqlDataSource Database { get; }

    public WebhookSink Sink { get; }

    public IReadOnlyList<ServiceInstance> Instances { get; }

    /// <summary>The merchant's sellers, made at start: paid out to accounts that succeed, are returned, or are closed.</summary>
    public IReadOnlyList<string> Sellers { get; private set; } = [];

    public static async Task<ChaosStack> StartAsync(ChaosSettings settings, int index, TextWriter log)
    {
        // Unique per stack in the process: two runs in one test process (the smoke beside a seed's
        // test) each start a stack 0.
        var root = Path.Combine(TestCluster.RepositoryRoot(), ".data", $"chaos-postgres-{Environment.ProcessId}-{index}-{Interlocked.Increment(ref s_started)}");
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        await log.WriteLineAsync($"stack {index}: starting PostgreSQL in {root}").ConfigureAwait(false);
        var postgres = await EmbeddedPostgres.StartAsync(root, NullLogger.Instance).ConfigureAwait(false);
        await postgres.EnsureDatabaseAsync("chaos").ConfigureAwait(false);
        var connectionString = postgres.ConnectionString("chaos");

        var simulator = SimulatorHost.Build([], SimulatorSettings(settings));
        await simulator.StartAsync().ConfigureAwait(false);
        var simulatorUrl = simulator.Urls.First();
        var sink = await WebhookSink.StartAsync().ConfigureAwait(false);

        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Payments"] = connectionString,
            ["Psp__BaseUrl"] = simulatorUrl,
            ["Psp__ApiKey"] = StackKeys.PspApiKey,
            ["Psp__WebhookSecret"] = StackKeys.PspWebhookSecret,
            ["Psp__AttemptTimeout"] = "00:00:01",
            ["Psp__RetryBaseDelay"] = "00:00:00.050",
            ["Psp__SearchLag"] = TimeSpan.FromMilliseconds(settings.SearchLagMs).ToString(),
            ["Psp__BreakDuration"] = "00:00:01",
            ["Charges__ResolveBackoff"] = "00:00:00.200",
            ["Charges__ResolveBackoffMax"] = "00:00:02",
            ["Charges__SweepInterval"] = "00:00:00.250",
            ["Charges__RecoveryThreshold"] = "00:00:02",
            ["DemoMerchant__Enabled"] = "true",
            ["DemoMerchant__ApiKey"] = StackKeys.MerchantKey,
            ["DemoMerchant__FeeBps"] = "250",
            ["DemoMerchant__FeeFixed"] = "10",
            ["Operator__ApiKey"] = StackKeys.OperatorKey,
            // The merchant's endpoint is the runner's, on loopback over http.
            ["Webhooks__AllowInsecureUrls"] = "true",
            ["Secrets__ActiveKeyId"] = StackKeys.SealingKeyId,
            [$"Secrets__SealingKeys__{StackKeys.SealingKeyId}"] = StackKeys.SealingKey,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var instances = new[]
        {
            new ServiceInstance("a", $"http://127.0.0.1:{ServiceProcess.FreePort()}", environment),
            new ServiceInstance("b", $"http://127.0.0.1:{ServiceProcess.FreePort()}", environment),
        };
        // A runner stopped by a signal still takes its service processes with it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var instance in instances)
            {
                instance.Dispose();
            }
        };
        await log.WriteLineAsync($"stack {index}: starting service instances at {instances[0].Url} and {instances[1].Url}").ConfigureAwait(false);
        await Task.WhenAll(instances.Select(i => i.StartAsync())).ConfigureAwait(false);

        var stack = new ChaosStack(postgres, simulator, NpgsqlDataSource.Create(connectionString), sink, instances);
        try
        {
            await stack.ConfigureAsync().ConfigureAwait(false);
            if (settings.PspStartsBeforeMidnight is { } beforeMidnight)
            {
                await stack.SetPspClockBeforeMidnightAsync(beforeMidnight).ConfigureAwait(false);
            }

            return stack;
        }
        catch
        {
            await stack.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The simulator's settings for a chaos stack: the PSP's clock turns a day per schedule.</summary>
    internal static Dictionary<string, string?> SimulatorSettings(ChaosSettings settings) => new()
    {
        ["Urls"] = "http://127.0.0.1:0",
        ["Simulator:ApiKey"] = StackKeys.PspApiKey,
        ["Simulator:WebhookSecret"] = StackKeys.PspWebhookSecret,
        ["Simulator:Seed"] = "1",
        // The PSP contract's bound: search results lag writes by up to 5 s.
        ["Simulator:SearchLagMs"] = settings.SearchLagMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // Each schedule advances the PSP's clock a day; authorizations left alone expire two schedules on.
        ["Simulator:AuthorizationValidity"] = "2.00:00:00",
        // A thousand simulated days: keep every object so the ground truth stays whole.
        ["Simulator:RetentionSeconds"] = "315360000",
        // Keys too: a service call still retrying when the day turns (after a 429's Retry-After)
        // must be replayed, as a real PSP keeping keys 24 h of real time would; forgotten by the
        // jump, it was carried out again (seed 414 of the first long run, a refund made twice).
        ["Simulator:IdempotencyKeyRetentionSeconds"] = "315360000",
        // The PSP's clock runs a day ahead per schedule while the service decides availability
        // by its real clock: make each day's money available at once all the same.
        ["Simulator:Settlement:AvailableOnDays"] = (-(settings.Seeds.Count + 5)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Logging:LogLevel:Default"] = "Warning",
    };

    public HttpClient MerchantClient(int instance) => Client(Instances[instance].Url, StackKeys.MerchantKey);

    public HttpClient OperatorClient(int instance) => Client(Instances[instance].Url, StackKeys.OperatorKey);

    /// <summary>A PostgreSQL immediate stop (a crash: no checkpoint, every connection cut) and restart after <paramref name="down"/>.</summary>
    public Task CrashDatabaseAsync(TimeSpan down) => _postgres.CrashAndRestartAsync(down);

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in Instances)
        {
            instance.Dispose();
        }

        await Sink.DisposeAsync().ConfigureAwait(false);
        await _simulator.StopAsync().ConfigureAwait(false);
        await _simulator.DisposeAsync().ConfigureAwait(false);
        Simulator.Dispose();
        await Database.DisposeAsync().ConfigureAwait(false);
        await _postgres.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_postgres.RootDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the next run's start to remove.
        }
        catch (UnauthorizedAccessException)
        {
            // The server user's files; the next run's start removes them as root.
        }
    }

    private static HttpClient Client(string url, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>The PSP's date now, by its clock.</summary>
    public async Task<DateOnly> PspTodayAsync() =>
        DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(await PspUnixNowAsync().ConfigureAwait(false)).UtcDateTime);

    private async Task<long> PspUnixNowAsync() =>
        (long)JsonNode.Parse(await Simulator.GetStringAsync("/_sim/clock").ConfigureAwait(false))!["unix"]!;

    /// <summary>Moves the PSP's clock forward to <paramref name="beforeMidnight"/> before its next midnight.</summary>
    private async Task SetPspClockBeforeMidnightAsync(TimeSpan beforeMidnight)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(await PspUnixNowAsync().ConfigureAwait(false));
        var midnight = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        var by = midnight - beforeMidnight - now;
        if (by < TimeSpan.Zero)
        {
            by += TimeSpan.FromDays(1);
        }

        using var advanced = await Simulator.PostAsync(
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"/_sim/clock/advance?seconds={(long)by.TotalSeconds}"), null).ConfigureAwait(false);
        advanced.EnsureSuccessStatusCode();
    }

    private async Task ConfigureAsync()
    {
        var hooks = Instances.Select(i => i.Url + "/psp/webhooks").ToArray();
        using (var several = await Simulator.PostAsJsonAsync("/_sim/webhooks/config", new { urls = hooks, secret = StackKeys.PspWebhookSecret }).ConfigureAwait(false))
        {
            if (!several.IsSuccessStatusCode)
            {
                // A simulator that takes one URL: instance a gets them all; b learns from the PSP's event log.
                using var one = await Simulator.PostAsJsonAsync("/_sim/webhooks/config", new { url = hooks[0], secret = StackKeys.PspWebhookSecret }).ConfigureAwait(false);
                one.EnsureSuccessStatusCode();
            }
        }

        using var merchant = MerchantClient(0);
        var endpoint = await PostAsync(merchant, "/v1/webhook_endpoints", new JsonObject { ["url"] = Sink.Url }).ConfigureAwait(false);
        Sink.Secret = (string)endpoint["secret"]!;
        var sellers = new List<string>();
        foreach (var account in new[] { "ba_ok", "ba_returned", "ba_closed" })
        {
            var seller = await PostAsync(merchant, "/v1/sellers", new JsonObject { ["name"] = $"seller {account}", ["bank_account"] = account }).ConfigureAwait(false);
            sellers.Add((string)seller["id"]!);
        }

        Sellers = sellers;
    }

    private static async Task<JsonObject> PostAsync(HttpClient client, string path, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await client.SendAsync(request).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text)!.AsObject();
    }
}
