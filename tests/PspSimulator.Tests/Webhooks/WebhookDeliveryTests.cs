using System.Text.Json;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Webhooks;

public sealed class WebhookDeliveryTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>, IAsyncLifetime
{
    private readonly SimulatorApi _api = simulator.Api;

    public Task InitializeAsync() => _api.ClearFaultsAsync();

    public Task DisposeAsync() => _api.ClearFaultsAsync();

    [Fact]
    public async Task Webhook_signature_verifies_from_outside_with_every_configured_secret()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await ConfigureAsync(receiver, "whsec_current", "whsec_next");
        var chargeId = SimulatorApi.NewChargeId();

        var created = await _api.CreateAsync(chargeId, SimulatorApi.NewKey());
        var delivery = await Poll.UntilAsync(
            () => Task.FromResult(receiver.Deliveries.FirstOrDefault(d => d.ObjectId == created.Id)),
            d => d is not null,
            TimeSpan.FromSeconds(10),
            "the webhook");

        var (timestamp, signatures) = StripeSignature.Parse(delivery!.Signature);
        Assert.Equal(2, signatures.Count);
        Assert.True(StripeSignature.Verify(delivery.Signature, delivery.Body, "whsec_current", DateTimeOffset.UtcNow));
        Assert.True(StripeSignature.Verify(delivery.Signature, delivery.Body, "whsec_next", DateTimeOffset.UtcNow));
        Assert.False(StripeSignature.Verify(delivery.Signature, delivery.Body, "whsec_other", DateTimeOffset.UtcNow));
        Assert.False(StripeSignature.Verify(delivery.Signature, delivery.Body, "whsec_current", DateTimeOffset.FromUnixTimeSeconds(timestamp + 301)));
        Assert.Equal("payment_intent.succeeded", delivery.Type);
        Assert.Equal("event", delivery.Event["object"]!.GetValue<string>());
        Assert.Equal("succeeded", delivery.Event["data"]!["object"]!["status"]!.GetValue<string>());
        Assert.Equal(chargeId, delivery.Event["data"]!["object"]!["metadata"]!["charge_id"]!.GetValue<string>());
        var listed = (await _api.GetAsync("/v1/events?limit=100")).Json["data"]!.AsArray();
        var same = Assert.Single(listed, e => e!["id"]!.GetValue<string>() == delivery.EventId);
        Assert.Equal(JsonSerializer.Serialize(delivery.Event), JsonSerializer.Serialize(same));
    }

    [Fact]
    public async Task Failed_delivery_is_retried_with_growing_delays_until_it_succeeds()
    {
        await using var receiver = await WebhookReceiver.StartAsync(arrival => arrival <= 3 ? 500 : 200);
        await ConfigureAsync(receiver, "whsec_retry");
        await _api.SetFaultsAsync("""{ "webhooks": { "retry_max_attempts": 6, "retry_base_delay_ms": 100 } }""");

        var created = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey());
        var deliveries = await Poll.UntilAsync(
            () => Task.FromResult(receiver.Deliveries.Where(d => d.ObjectId == created.Id).ToList()),
            d => d.Any(x => x.AnsweredStatus == 200),
            TimeSpan.FromSeconds(10),
            "a successful delivery");

        Assert.Equal([500, 500, 500, 200], deliveries.Select(d => d.AnsweredStatus));
        Assert.Single(deliveries.Select(d => d.EventId).Distinct());
        var gaps = deliveries.Zip(deliveries.Skip(1), (a, b) => b.At - a.At).ToList();
        Assert.True(gaps[0] >= TimeSpan.FromMilliseconds(90), "first gap " + gaps[0]);
        Assert.True(gaps[1] >= TimeSpan.FromMilliseconds(190), "second gap " + gaps[1]);
        Assert.True(gaps[2] >= TimeSpan.FromMilliseconds(390), "third gap " + gaps[2]);
    }

    [Fact]
    public async Task Delivery_gives_up_after_the_last_attempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => 503);
        await ConfigureAsync(receiver, "whsec_never");
        await _api.SetFaultsAsync("""{ "webhooks": { "retry_max_attempts": 3, "retry_base_delay_ms": 20 } }""");
        var before = (await _api.GetAsync("/_sim/webhooks/stats")).Json["gave_up"]!.GetValue<long>();

        var created = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey());
        await Poll.UntilAsync(
            async () => (await _api.GetAsync("/_sim/webhooks/stats")).Json["gave_up"]!.GetValue<long>(),
            gaveUp => gaveUp > before,
            TimeSpan.FromSeconds(10),
            "delivery to give up");

        Assert.Equal(3, receiver.Deliveries.Count(d => d.ObjectId == created.Id));
    }

    [Fact]
    public async Task Webhook_delay_holds_each_delivery_for_at_least_the_minimum()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await ConfigureAsync(receiver, "whsec_delay");
        await _api.SetFaultsAsync("""{ "webhooks": { "delay_ms": { "min": 250, "max": 300 } } }""");

        var sentAt = receiver.Now;
        var created = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey());
        var delivery = await Poll.UntilAsync(
            () => Task.FromResult(receiver.Deliveries.FirstOrDefault(d => d.ObjectId == created.Id)),
            d => d is not null,
            TimeSpan.FromSeconds(10),
            "the delayed webhook");

        Assert.True(delivery!.At - sentAt >= TimeSpan.FromMilliseconds(250), "arrived after " + (delivery.At - sentAt));
    }

    private Task<System.Text.Json.Nodes.JsonNode> ConfigureAsync(WebhookReceiver receiver, string secret, params string[] more) =>
        _api.PostControlAsync(
            "/_sim/webhooks/config",
            JsonSerializer.Serialize(new Dictionary<string, object> { ["url"] = receiver.Url.ToString(), ["secret"] = secret, ["secrets"] = more }));
}
