using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Payments.Pipeline.Secrets;

namespace Payments.Pipeline.Outbox;

public static class OutboxServiceCollectionExtensions
{
    /// <summary>The outbox publisher (logical replication), the events feed and merchant webhook delivery.</summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // Endpoints' signing secrets are stored sealed: no usable key, no start (the message names the settings).
        services.AddOptions<SecretsOptions>().BindConfiguration(SecretsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecretsOptions>, SecretsOptionsValidator>();
        services.AddSingleton<SecretSealer>();
        services.AddSingleton<ReplicationSlotStore>();
        services.AddSingleton<EventFeedStore>();
        services.AddSingleton<WebhookEndpointStore>();
        services.AddSingleton<WebhookDeliveryStore>();

        // "Deliveries may be due": set by the publisher after a hand-off that queued some, by
        // the API after a redelivery and by the worker when an attempt ends.
        services.AddSingleton<WakeSignal>();
        // A test may answer names itself (a rebinding DNS server); it registers its resolver first.
        services.TryAddSingleton<WebhookHostResolver>();
        services.AddSingleton<WebhookConnector>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<OutboxOptions>>().Value;
            return new WebhookClient(
                // Merchant endpoints are untrusted. The connector resolves each host and connects
                // only to public addresses (OutboundAddressPolicy); no proxy from the environment
                // (it would connect in our place, past that check); no redirects followed (a 3xx
                // is a failed delivery, and its Location is never visited); no cookies kept; a
                // timeout on every request (here as a backstop; each send has its own deadline).
                new HttpClient(new SocketsHttpHandler
                {
                    ConnectCallback = sp.GetRequiredService<WebhookConnector>().ConnectAsync,
                    UseProxy = false,
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
