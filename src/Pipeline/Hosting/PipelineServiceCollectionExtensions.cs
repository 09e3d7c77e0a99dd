using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Payments.Pipeline.Merchants;
using Payments.Pipeline.Observability;
using Payments.Pipeline.Storage;

namespace Payments.Pipeline.Hosting;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>
    /// Everything the engine needs. Hosted services start in the order registered here:
    /// migration first, then seeding, then the workers.
    /// </summary>
    public static IServiceCollection AddPaymentsPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.AddSingleton<PaymentsMetrics>();
        services.AddSingleton<Readiness>();
        services.AddSingleton(TimeProvider.System);
        services.AddPaymentsStorage(configuration);

        services.AddOptions<DemoMerchantOptions>().BindConfiguration(DemoMerchantOptions.Section);
        services.AddSingleton<MerchantStore>();
        services.AddSingleton<MerchantSeeder>();
        services.AddHostedService(sp => sp.GetRequiredService<MerchantSeeder>());
        return services;
    }
}
