using System.Text.Json;
using Microsoft.Extensions.Options;
using PspSimulator.Clock;
using PspSimulator.Disputes;
using PspSimulator.Events;
using PspSimulator.Faults;
using PspSimulator.Idempotency;
using PspSimulator.Maintenance;
using PspSimulator.PaymentIntents;
using PspSimulator.Payouts;
using PspSimulator.Protocol;
using PspSimulator.Refunds;
using PspSimulator.Settlement;
using PspSimulator.Truth;
using PspSimulator.Webhooks;

namespace PspSimulator;

/// <summary>Registration of the simulator's options and services.</summary>
internal static class SimulatorServiceCollectionExtensions
{
    public static IServiceCollection AddSimulator(this IServiceCollection services)
    {
        services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SimulatorOptions>, SimulatorOptionsValidator>();
        services.AddOptions<SettlementOptions>().BindConfiguration(SettlementOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PayoutOptions>().BindConfiguration(PayoutOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WebhookDeliveryOptions>().BindConfiguration(WebhookDeliveryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ControlJsonContext.Default);
        });

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SimulatorClock>();
        services.AddSingleton<FaultPlanHolder>();
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<RequestCounters>();
        services.AddSingleton<OperationRunner>();

        services.AddSingleton<SearchIndex>();
        services.AddSingleton<AuthorizationExpiryQueue>();
        services.AddSingleton<PaymentIntentStore>();
        services.AddSingleton<RefundStore>();
        services.AddSingleton<DisputeStore>();
        services.AddSingleton<PayoutSchedule>();
        services.AddSingleton<PayoutStore>();
        services.AddSingleton<EventStore>();
        services.AddSingleton<EventPublisher>();
        services.AddSingleton<MovementLog>();
        services.AddSingleton<TruthBuilder>();

        services.AddSingleton<FeeCalculator>();
        services.AddSingleton<BalanceTransactionMapper>();
        services.AddSingleton<PlatformBalance>();
        services.AddSingleton<SettlementLedger>();

        services.AddSingleton<WebhookEndpointHolder>();
        services.AddSingleton<WebhookStats>();
        services.AddSingleton<WebhookClient>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<WebhookDispatcher>());

        services.AddSingleton<Pruner>();
        services.AddSingleton<SimulatorReset>();
        services.AddHostedService<PruningWorker>();
        services.AddHostedService<AuthorizationExpiryWorker>();
        services.AddHostedService<PayoutWorker>();
        return services;
    }
}
