using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Outbox;

/// <summary>
/// The service with the outbox publisher on a slot of this test class's own (slot names are
/// per cluster, and every test class has its own database), short intervals so that
/// retries and parking happen within a test, and a webhook receiver on a loopback port (so
/// <c>Webhooks:AllowInsecureUrls</c> is on: http and loopback endpoints are accepted).
/// </summary>
public class OutboxFixture : ServiceFixture, IAsyncLifetime
{
    public WebhookReceiver Receiver { get; private set; } = null!;

    /// <summary>The outbox settings, also as environment variables for a service child process.</summary>
    public IReadOnlyDictionary<string, string> OutboxSettings => new Dictionary<string, string>
    {
        ["Outbox:SlotName"] = Database.Name,
        ["Outbox:HeartbeatInterval"] = "00:00:01",
        ["Outbox:LeaderRetryInterval"] = "00:00:00.200",
        ["Outbox:ReconnectDelayMax"] = "00:00:01",
        ["Outbox:MonitorInterval"] = "00:00:01",
        ["Outbox:MaxDeliveryAttempts"] = "6",
        ["Outbox:RetryBaseDelay"] = "00:00:00.100",
        ["Outbox:RetryMaxDelay"] = "00:00:00.400",
        ["Outbox:DeliveryTimeout"] = "00:00:00.500",
        ["Outbox:DeliveryPollInterval"] = "00:00:00.100",
        ["Outbox:DeliveryConcurrencyPerEndpoint"] = "8",
        ["Webhooks:AllowInsecureUrls"] = "true",
    };

    protected override IReadOnlyDictionary<string, string?> ServiceSettings =>
        OutboxSettings.ToDictionary(p => p.Key, p => (string?)p.Value);

    public new async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        await base.InitializeAsync();
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
