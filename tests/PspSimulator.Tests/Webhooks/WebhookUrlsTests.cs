using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using PspSimulator.Faults;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Webhooks;

/// <summary>
/// Webhooks to several URLs (the chaos runner's two service instances): each event goes to one URL,
/// a failed attempt moves on to the next, and under a plan with its own seed the webhook faults are
/// decided per event id.
/// </summary>
public sealed class WebhookUrlsTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>, IAsyncLifetime
{
    private const int Intents = 15;

    private readonly SimulatorApi _api = simulator.Api;

    public Task InitializeAsync() => _api.ClearFaultsAsync();

    public async Task DisposeAsync()
    {
        await _api.ClearFaultsAsync();
        await _api.PostControlAsync("/_sim/webhooks/config", """{ "url": null }""");
    }

    [Fact]
    public async Task Events_are_split_between_two_live_urls_and_each_arrives_once()
    {
        await using var first = await WebhookReceiver.StartAsync();
        await using var second = await WebhookReceiver.StartAsync();
        var config = await ConfigureAsync(first.Url, second.Url);
        var before = await StatsAsync();

        var ids = await CreateIntentsAsync();
        var eventIds = await EventIdsAsync(ids);
        await Poll.UntilAsync(
            () => Task.FromResult(first.Deliveries.Concat(second.Deliveries).Count(d => eventIds.Contains(d.EventId))),
            n => n >= eventIds.Count,
            TimeSpan.FromSeconds(20),
            "every event at one of the two receivers");

        var arrived = first.Deliveries.Concat(second.Deliveries).Select(d => d.EventId).Where(eventIds.Contains).ToList();
        Assert.Equal(2, config["urls"]!.AsArray().Count);
        Assert.Equal(first.Url.ToString(), config["url"]!.GetValue<string>());
        Assert.Equal(eventIds.Count, arrived.Count);
        Assert.Equal(eventIds.Count, arrived.Distinct(StringComparer.Ordinal).Count());
        Assert.NotEmpty(first.Deliveries);
        Assert.NotEmpty(second.Deliveries);
        Assert.Equal(before["failed_attempts"]!.GetValue<long>(), (await StatsAsync())["failed_attempts"]!.GetValue<long>());
    }

    [Fact]
    public async Task Events_picked_for_a_url_that_is_down_fail_over_to_the_live_one()
    {
        await using var live = await WebhookReceiver.StartAsync();
        await _api.SetFaultsAsync("""{ "webhooks": { "retry_base_delay_ms": 20 } }""");
        await ConfigureAsync(DeadUrl(), live.Url);
        var before = await StatsAsync();

        var ids = await CreateIntentsAsync();
        var eventIds = await EventIdsAsync(ids);
        await Poll.UntilAsync(
            () => Task.FromResult(live.Deliveries.Count(d => eventIds.Contains(d.EventId))),
            n => n >= eventIds.Count,
            TimeSpan.FromSeconds(20),
            "every event at the live receiver");

        var after = await StatsAsync();
        Assert.Equal(eventIds.Count, live.Deliveries.Select(d => d.EventId).Where(eventIds.Contains).Distinct(StringComparer.Ordinal).Count());
        Assert.True(after["failed_attempts"]!.GetValue<long>() > before["failed_attempts"]!.GetValue<long>(), "no event was picked for the dead URL");
        Assert.Equal(before["gave_up"]!.GetValue<long>(), after["gave_up"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("""{ "urls": [] }""")]
    [InlineData("""{ "urls": ["http://127.0.0.1:1/1", "http://127.0.0.1:1/2", "http://127.0.0.1:1/3", "http://127.0.0.1:1/4", "http://127.0.0.1:1/5", "http://127.0.0.1:1/6", "http://127.0.0.1:1/7", "http://127.0.0.1:1/8", "http://127.0.0.1:1/9"] }""")]
    [InlineData("""{ "urls": ["http://127.0.0.1:1/ok", "ftp://127.0.0.1/file"] }""")]
    [InlineData("""{ "urls": ["/relative"] }""")]
    [InlineData("""{ "urls": [null] }""")]
    [InlineData("""{ "url": "http://127.0.0.1:1/a", "urls": ["http://127.0.0.1:1/b"] }""")]
    public async Task Bad_url_list_is_refused_and_changes_nothing(string body)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await ConfigureAsync(receiver.Url);
        var before = (await _api.GetAsync("/_sim/webhooks/config")).Body;

        var answer = await _api.SendControlAsync("/_sim/webhooks/config", body);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.False(string.IsNullOrEmpty(answer.Json["error"]!.GetValue<string>()));
        Assert.Equal(before, (await _api.GetAsync("/_sim/webhooks/config")).Body);
    }

    [Fact]
    public async Task Under_a_plan_with_its_own_seed_webhook_drops_are_decided_by_event_id()
    {
        const int Seed = 31;
        const double DropRate = 0.5;
        await using var receiver = await WebhookReceiver.StartAsync();
        await ConfigureAsync(receiver.Url);
        await _api.SetFaultsAsync("""{ "seed": 31, "webhooks": { "drop_rate": 0.5 } }""");

        var ids = await CreateIntentsAsync();
        var eventIds = await EventIdsAsync(ids);
        var kept = eventIds
            .Where(id => SeededRandom.Unit(Seed, SeededRandom.KeyedPoint(SeededRandom.WebhookEvent, id, 0), SeededRandom.StreamWebhookDrop) >= DropRate)
            .ToHashSet(StringComparer.Ordinal);
        await Poll.UntilAsync(
            () => Task.FromResult(receiver.Deliveries.Count(d => kept.Contains(d.EventId))),
            n => n >= kept.Count,
            TimeSpan.FromSeconds(20),
            "every event the seed keeps");
        await Poll.UntilAsync(
            StatsAsync,
            s => s["delivered"]!.GetValue<long>() == s["copies"]!.GetValue<long>(),
            TimeSpan.FromSeconds(20),
            "every copy to be delivered");

        Assert.NotEmpty(kept);
        Assert.NotEqual(eventIds.Count, kept.Count);
        Assert.Equal(kept, receiver.Deliveries.Select(d => d.EventId).Where(eventIds.Contains).ToHashSet(StringComparer.Ordinal));
    }

    // A loopback port nothing listens on: the connection is refused.
    private static Uri DeadUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri("http://127.0.0.1:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/webhooks");
    }

    private Task<JsonNode> ConfigureAsync(params Uri[] urls) =>
        _api.PostControlAsync(
            "/_sim/webhooks/config",
            JsonSerializer.Serialize(new Dictionary<string, object> { ["urls"] = urls.Select(u => u.ToString()).ToArray(), ["secret"] = "whsec_urls" }));

    private async Task<JsonNode> StatsAsync() => (await _api.GetAsync("/_sim/webhooks/stats")).Json;

    private async Task<HashSet<string>> CreateIntentsAsync()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Intents; i++)
        {
            ids.Add((await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: 100)).Id);
        }

        return ids;
    }

    // The events of these intents, from the PSP's own list (the newest 100 cover them).
    private async Task<HashSet<string>> EventIdsAsync(HashSet<string> intentIds)
    {
        var listed = (await _api.GetAsync("/v1/events?limit=100")).Json["data"]!.AsArray();
        var ids = listed
            .Where(e => intentIds.Contains(e!["data"]!["object"]!["id"]!.GetValue<string>()))
            .Select(e => e!["id"]!.GetValue<string>())
            .ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(ids);
        return ids;
    }
}
