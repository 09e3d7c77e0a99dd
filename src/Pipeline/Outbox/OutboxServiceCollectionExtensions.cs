using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Payments.Pipeline.Outbox;

public static class OutboxServiceCollectionExtensions
{
    /// <summary>The outbox publisher (logical replication), the events feed and merchant webhook delivery.</summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
