using System.Net;
using Microsoft.Extensions.Options;
using Payments.Ingress.Hosting;
using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.Security;

/// <summary>
/// Settings without which the service would run unsafely stop it at start, with a message that
/// names the setting; nothing is served and nothing is recorded before that.
/// </summary>
public sealed class StartupChecksTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Missing_psp_webhook_secret_stops_the_service_at_start_naming_the_setting(string? secret)
    {
        var settings = Settings();
        settings["Psp:WebhookSecret"] = secret;

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(settings));

        Assert.Contains("Psp__WebhookSecret", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM merchants"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Missing_operator_key_stops_the_service_at_start_naming_the_setting(string? key)
    {
        var settings = Settings();
        settings["Operator:ApiKey"] = key;

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(settings));

        Assert.Contains("Operator__ApiKey", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM operator_keys"));
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("localhost")]
    [InlineData("127.0.0.1/8,not-a-network")]
    public async Task Metrics_networks_that_do_not_parse_stop_the_service_at_start(string allowFrom)
    {
        var settings = Settings();
        settings["Metrics:AllowFrom"] = allowFrom;

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(settings));

        Assert.Contains("Metrics__AllowFrom", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Builds and starts the host: some settings are read while it is built, others when it starts.</summary>
    private static async Task StartAsync(Dictionary<string, string?> settings)
    {
        await using var service = PaymentsHost.Build(PaymentsHost.CreateBuilder([], settings));
        await service.StartAsync();
        await service.StopAsync();
    }

    private Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Payments"] = _database.ConnectionString,
            ["Psp:BaseUrl"] = "http://127.0.0.1:9",
            ["Psp:ApiKey"] = "sk_test_sim",
            ["Psp:WebhookSecret"] = ServiceFixture.WebhookSecret,
            ["Operator:ApiKey"] = ServiceFixture.OperatorKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in ServiceFixture.SealingKeySettings)
        {
            settings[key] = value;
        }

        return settings;
    }
}

/// <summary>A service whose operator lets only 10.0.0.0/8 scrape: a loopback client sees no metrics.</summary>
public sealed class ClosedMetricsFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["Metrics:AllowFrom"] = "10.0.0.0/8, fd00::/8",
    };
}

/// <summary><c>/metrics</c> answers only the networks the operator allows; health stays open.</summary>
public sealed class MetricsAccessTests(ClosedMetricsFixture service) : IClassFixture<ClosedMetricsFixture>
{
    [Fact]
    public async Task Metrics_from_a_network_not_allowed_answer_like_an_unknown_route()
    {
        using var client = new HttpClient { BaseAddress = new Uri(service.ServiceUrl) };

        using var metrics = await client.GetAsync("/metrics");
        using var health = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
        Assert.DoesNotContain("payments_", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
