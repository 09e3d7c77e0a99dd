using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Payments.Pipeline.Outbox;

public static class OutboxServiceCollectionExtensions
{
    /// <summary>The outbox publisher (logical replication), the events feed and merchant webhook delivery.</summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ReplicationSlotStore>();
        services.AddSingleton<EventFeedStore>();
        services.AddSingleton<WebhookEndpointStore>();
        services.AddSingleton<WebhookDeliveryStore>();

        // "Deliveries may be due": set by the publisher after a hand-off that queued some, by
        // the API after a redelivery and by the worker when an attempt ends.
        services.AddSingleton<WakeSignal>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<OutboxOptions>>().Value;
            return new WebhookClient(
                // Merchant endpoints are untrusted: no redirects followed, no cookies kept, and a
                // timeout on every request (here as a backstop; each send has its own deadline).
                new HttpClient(new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    ConnectTimeout = options.DeliveryTimeout,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                    MaxConnectionsPerServer = int.MaxValue,
                })
                {
                    Timeout = options.DeliveryTimeout + TimeSpan.FromSeconds(1),
                },
                sp.GetRequiredService<TimeProvider>());
        });

        services.AddSingleton<OutboxPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxPublisher>());
        services.AddSingleton<WebhookDeliveryWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDeliveryWorker>());
        services.AddSingleton<OutboxMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxMonitor>());
        return services;
    }
}
