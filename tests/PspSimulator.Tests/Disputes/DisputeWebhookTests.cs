using System.Text.Json;
using PspSimulator.Tests.Infrastructure;
using PspSimulator.Tests.Webhooks;

namespace PspSimulator.Tests.Disputes;

public sealed class DisputeWebhookTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Dispute_events_are_delivered_as_signed_webhooks_carrying_the_dispute()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await _api.PostControlAsync(
            "/_sim/webhooks/config",
            JsonSerializer.Serialize(new Dictionary<string, object> { ["url"] = receiver.Url.ToString(), ["secret"] = "whsec_disputes" }));
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey());

        var opened = await _api.OpenDisputeAsync(intent.Id);
        await _api.PostControlAsync("/_sim/disputes/" + opened.Id + "/under_review");
        await _api.PostControlAsync("/_sim/disputes/" + opened.Id + "/close", """{ "status": "won" }""");
        var deliveries = await Poll.UntilAsync(
            () => Task.FromResult(receiver.Deliveries.Where(d => d.ObjectId == opened.Id).ToList()),
            found => found.Count == 3,
            TimeSpan.FromSeconds(10),
            "three dispute webhooks");

        Assert.Equal(
            ["charge.dispute.closed", "charge.dispute.created", "charge.dispute.updated"],
            deliveries.Select(d => d.Type).Order(StringComparer.Ordinal));
        Assert.All(deliveries, d => Assert.True(StripeSignature.Verify(d.Signature, d.Body, "whsec_disputes", DateTimeOffset.UtcNow)));
        var closed = deliveries.Single(d => d.Type == "charge.dispute.closed").Event["data"]!["object"]!;
        Assert.Equal("dispute", closed["object"]!.GetValue<string>());
        Assert.Equal("won", closed["status"]!.GetValue<string>());
        Assert.Equal(intent.Id, closed["payment_intent"]!.GetValue<string>());
    }
}
