using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Payments.Ingress.Hosting;
using Payments.Testing;
using PspSimulator;

namespace Payments.Ingress.Tests.Support;

/// <summary>
/// The real service for one test class: a fresh database on the run's embedded cluster, the
/// real simulator on a loopback port, and the service's own host on another, wired together
/// (the simulator's webhooks go to the service's /psp/webhooks).
/// </summary>
public class ServiceFixture : IAsyncLifetime
{
    public const string MerchantKey = "sk_test_merchant_a_0123456789abcdef";
    public const string OtherMerchantKey = "sk_test_merchant_b_0123456789abcdef";
    public const string WebhookSecret = "whsec_tests_only";
    public const string OperatorKey = "sk_operator_tests_only_0123456789";

    /// <summary>The key that seals webhook signing secrets at rest; a service does not start without one.</summary>
    public static readonly IReadOnlyDictionary<string, string> SealingKeySettings = new Dictionary<string, string>
    {
        ["Secrets:ActiveKeyId"] = "test",
        ["Secrets:SealingKeys:test"] = "dGVzdHMgb25seTogMzIgYnl0ZXMgb2Ygc2VhbGluZyE=",
    };

    /// <summary>
    /// Environment for the service as a child process (<see cref="ServiceProcess"/>) on this fixture's
    /// database and simulator, with its keys, plus a test's own settings (given as configuration keys).
    /// </summary>
    public Dictionary<string, string> ChildProcessEnvironment(IEnumerable<KeyValuePair<string, string>> settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Payments"] = Database.ConnectionString,
            ["Psp__BaseUrl"] = SimulatorUrl,
            ["Psp__ApiKey"] = "sk_test_sim",
            ["Psp__WebhookSecret"] = WebhookSecret,
            ["DemoMerchant__ApiKey"] = MerchantKey,
            ["Operator__ApiKey"] = OperatorKey,
        };
        foreach (var (key, value) in SealingKeySettings.Concat(settings))
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return environment;
    }

    private WebApplication? _simulator;
    private WebApplication? _service;

    public TestDatabase Database { get; } = new();

    public HttpClient Merchant { get; private set; } = null!;

    public HttpClient OtherMerchant { get; private set; } = null!;

    public HttpClient Simulator { get; private set; } = null!;

    public string ServiceUrl { get; private set; } = "";

    /// <summary>The running service's services, for a test that drives a component directly.</summary>
    public IServiceProvider Services => _service?.Services ?? throw new InvalidOperationException("The service is not running.");

    public string SimulatorUrl { get; private set; } = "";

    /// <summary>Settings a test class changes (e.g. a shorter PSP timeout).</summary>
    protected virtual IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>();

    protected virtual IReadOnlyDictionary<string, string?> SimulatorSettings => new Dictionary<string, string?>();

    /// <summary>Services a test class replaces in the service's host (e.g. its clock).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>False for tests that run the service as a child process first.</summary>
    protected virtual bool StartServiceOnInitialize => true;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        var simulatorSettings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Simulator:ApiKey"] = "sk_test_sim",
            ["Simulator:WebhookSecret"] = WebhookSecret,
            ["Simulator:Seed"] = "7",
            ["Simulator:SearchLagMs"] = "500",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in SimulatorSettings)
        {
            simulatorSettings[key] = value;
        }

        _simulator = SimulatorHost.Build([], simulatorSettings);
        await _simulator.StartAsync();
        SimulatorUrl = _simulator.Urls.First();
        Simulator = new HttpClient { BaseAddress = new Uri(SimulatorUrl) };

        if (!StartServiceOnInitialize)
        {
            return;
        }

        await StartServiceAsync();
        var webhook = await Simulator.PostAsJsonAsync("/_sim/webhooks/config", new { url = ServiceUrl + "/psp/webhooks", secret = WebhookSecret });
        webhook.EnsureSuccessStatusCode();
    }

    /// <summary>Starts (or restarts, on the same database) the service host.</summary>
    public async Task StartServiceAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = ServiceUrl.Length > 0 ? ServiceUrl : "http://127.0.0.1:0",
            ["ConnectionStrings:Payments"] = Database.ConnectionString,
            ["Psp:BaseUrl"] = SimulatorUrl,
            ["Psp:ApiKey"] = "sk_test_sim",
            ["Psp:WebhookSecret"] = WebhookSecret,
            ["Psp:AttemptTimeout"] = "00:00:01",
            ["Psp:RetryBaseDelay"] = "00:00:00.050",
            ["Psp:SearchLag"] = "00:00:01",
            ["Psp:BreakDuration"] = "00:00:01",
            ["Charges:ResolveBackoff"] = "00:00:00.200",
            ["Charges:ResolveBackoffMax"] = "00:00:01",
            ["Charges:SweepInterval"] = "00:00:00.200",
            ["Charges:RecoveryThreshold"] = "00:00:02",
            ["DemoMerchant:Enabled"] = "true",
            ["DemoMerchant:ApiKey"] = MerchantKey,
            ["DemoMerchant:FeeBps"] = "250",
            ["DemoMerchant:FeeFixed"] = "10",
            ["Merchants:0:Name"] = "Other merchant",
            ["Merchants:0:ApiKey"] = OtherMerchantKey,
            ["Operator:ApiKey"] = OperatorKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in SealingKeySettings)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in ServiceSettings)
        {
            settings[key] = value;
        }

        var builder = PaymentsHost.CreateBuilder([], settings);
        ConfigureServices(builder.Services);
        _service = PaymentsHost.Build(builder);
        await _service.StartAsync();
        ServiceUrl = _service.Urls.First();
        Merchant = ClientFor(MerchantKey);
        OtherMerchant = ClientFor(OtherMerchantKey);
    }

    public async Task StopServiceAsync()
    {
        if (_service is not null)
        {
            await _service.StopAsync();
            await _service.DisposeAsync();
            _service = null;
        }
    }

    public async Task DisposeAsync()
    {
        await StopServiceAsync();
        if (_simulator is not null)
        {
            await _simulator.StopAsync();
            await _simulator.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    public HttpClient ClientFor(string apiKey)
    {
        var client = new HttpClient { BaseAddress = new Uri(ServiceUrl), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>Replaces the simulator's fault plan (JSON in the shape of PUT /_sim/faults).</summary>
    public async Task SetFaultsAsync(object plan)
    {
        using var response = await Simulator.PutAsJsonAsync("/_sim/faults", plan);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public Task ClearFaultsAsync() => SetFaultsAsync(new { });

    /// <summary>A POST to the PSP's own API with its secret key, as its dashboard would make it.</summary>
    public async Task<HttpResponseMessage> PspPostAsync(string path, string form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk_test_sim");
        request.Headers.Add("Idempotency-Key", $"dashboard-{Guid.NewGuid():N}");
        return await Simulator.SendAsync(request);
    }

    /// <summary>The PaymentIntents the PSP holds for a charge, by its ground truth.</summary>
    public async Task<IReadOnlyList<string>> PaymentIntentIdsAsync(string chargeId) =>
        [.. (await TruthAsync(chargeId))["payment_intents"]!.AsArray().Select(p => (string)p!["id"]!)];

    /// <summary>
    /// Takes the database away from the service (no new connections, every open one ended) or
    /// gives it back: the database server is fine, only this test's database is unreachable.
    /// </summary>
    public async Task SetDatabaseReachableAsync(bool reachable)
    {
        var cluster = await TestCluster.GetAsync();
        await using var connection = new NpgsqlConnection(cluster.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using (var allow = new NpgsqlCommand($"ALTER DATABASE \"{Database.Name}\" WITH ALLOW_CONNECTIONS {(reachable ? "true" : "false")}", connection))
        {
            await allow.ExecuteNonQueryAsync();
        }

        if (!reachable)
        {
            await using var terminate = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", connection);
            terminate.Parameters.AddWithValue(Database.Name);
            await terminate.ExecuteScalarAsync();
        }
        else
        {
            // The test's own pooled connections were ended too.
            Database.DataSource.Clear();
        }
    }

    /// <summary>The simulator's ground truth, optionally for one charge.</summary>
    public async Task<JsonObject> TruthAsync(string? chargeId = null)
    {
        var path = chargeId is null ? "/_sim/truth" : $"/_sim/truth?charge_id={Uri.EscapeDataString(chargeId)}";
        return (JsonObject)JsonNode.Parse(await Simulator.GetStringAsync(path))!;
    }

    /// <summary>How many money movements of <paramref name="kind"/> the PSP carried out for a charge.</summary>
    public async Task<int> MovementsAsync(string chargeId, string kind)
    {
        var truth = await TruthAsync(chargeId);
        return truth["movements"]!.AsArray().Count(m => (string?)m!["charge_id"] == chargeId && (string?)m["kind"] == kind);
    }

    public static Task<HttpResponseMessage> PostChargeAsync(HttpClient client, string idempotencyKey, object body, bool respondAsync = false) =>
        PostJsonAsync(client, "/v1/charges", idempotencyKey, JsonSerializer.Serialize(body), respondAsync);

    public static async Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string path, string? idempotencyKey, string json, bool respondAsync = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (respondAsync)
        {
            request.Headers.Add("Prefer", "respond-async");
        }

        return await client.SendAsync(request);
    }

    public static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response) =>
        (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    /// <summary>Polls the charge until <paramref name="until"/> holds, or fails at the deadline.</summary>
    public Task<JsonObject> WaitForChargeAsync(string chargeId, Func<JsonObject, bool> until, TimeSpan? timeout = null) =>
        Poll.UntilAsync(
            async () => await ReadObjectAsync(await Merchant.GetAsync($"/v1/charges/{chargeId}")),
            until,
            charge => $"charge {chargeId} did not reach the expected state; last seen: {charge.ToJsonString()}",
            timeout);

    public Task<JsonObject> WaitForFinalAsync(string chargeId, TimeSpan? timeout = null) =>
        WaitForChargeAsync(chargeId, c => (string?)c["status"] is "captured" or "failed" or "voided" or "authorized", timeout);

    /// <summary>Invariant 5, checked on the rows: every currency's entries sum to zero.</summary>
    public async Task AssertLedgerBalancedAsync()
    {
        await using var command = Database.DataSource.CreateCommand(
            "SELECT currency, sum(amount)::bigint FROM ledger_entries GROUP BY currency HAVING sum(amount) <> 0");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.False(await reader.ReadAsync(), "the ledger does not sum to zero per currency");
    }

    /// <summary>The capture journals posted for a charge, as (PSP receivable amount).</summary>
    public async Task<long> LedgerCapturedAsync(string chargeId) =>
        await Database.ScalarAsync<long>("""
            SELECT coalesce(sum(e.amount), 0)::bigint
            FROM ledger_entries AS e
            JOIN ledger_journals AS j ON j.id = e.journal_id
            WHERE j.charge_id = $1 AND e.account_id = 'psp_receivable'
            """, chargeId);

    public async Task<long> OutboxCountAsync(string chargeId, string type) =>
        await Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE charge_id = $1 AND type = $2", chargeId, type);
}
