using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Payments.Pipeline.Hosting;
using Payments.Pipeline.Observability;
using Payments.Pipeline.Outbox;
using Payments.Pipeline.Storage;
using Payments.Testing;

namespace Payments.Pipeline.Tests.Outbox;

/// <summary>A host with only storage and the outbox, on a test database, with short intervals.</summary>
internal static class PublisherHost
{
    public static IHost Build(TestDatabase database, string slot, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Payments"] = database.ConnectionString,
            ["Outbox:SlotName"] = slot,
            ["Outbox:PublicationName"] = slot,
            ["Outbox:HeartbeatInterval"] = "00:00:00.100",
            ["Outbox:LeaderRetryInterval"] = "00:00:00.100",
            ["Outbox:ReconnectDelayMax"] = "00:00:00.200",
            ["Outbox:MonitorInterval"] = "00:00:00.200",
            ["Outbox:DeliveryEnabled"] = "false",
            ["Secrets:ActiveKeyId"] = "test",
            ["Secrets:SealingKeys:test"] = Convert.ToBase64String(new byte[32]),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(all);
        builder.Services.AddLogging();
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<PaymentsMetrics>();
        builder.Services.AddSingleton<Readiness>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddPaymentsStorage(builder.Configuration);
        builder.Services.AddOutbox(builder.Configuration);
        return builder.Build();
    }

    public static OutboxPublisher Publisher(this IHost host) => host.Services.GetRequiredService<OutboxPublisher>();
}
