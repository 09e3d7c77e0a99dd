using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Payments.Pipeline.Balances;
using Payments.Pipeline.Charges;
using Payments.Pipeline.Disputes;
using Payments.Pipeline.Ledger;
using Payments.Pipeline.Merchants;
using Payments.Pipeline.Observability;
using Payments.Pipeline.Operators;
using Payments.Pipeline.Operations;
using Payments.Pipeline.Outbox;
using Payments.Pipeline.Partitioning;
using Payments.Pipeline.Payouts;
using Payments.Pipeline.Psp;
using Payments.Pipeline.PspEvents;
using Payments.Pipeline.PspWebhooks;
using Payments.Pipeline.Reconciliation;
using Payments.Pipeline.Retention;
using Payments.Pipeline.Sellers;
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
        services.AddSingleton<ChargeMetrics>();
        services.AddSingleton<Readiness>();
        services.TryAddSingleton(TimeProvider.System);
        // The host may have computed it already (it sizes Kestrel's connections from it).
        services.TryAddSingleton(_ => DescriptorBudget.For(configuration));
        services.AddPaymentsStorage(configuration);

        services.AddOptions<DemoMerchantOptions>().BindConfiguration(DemoMerchantOptions.Section);
        services.AddOptions<KeyOptions>().BindConfiguration(KeyOptions.Section)
            .Validate(o => o.IsValid(DateTimeOffset.UtcNow), "Keys:RevokeConfiguredBefore (Keys__RevokeConfiguredBefore) must not be in the future: it would end keys other instances add until then.")
            .ValidateOnStart();
        services.AddSingleton<MerchantStore>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<MerchantSeeder>();
        services.AddHostedService(sp => sp.GetRequiredService<MerchantSeeder>());
        services.AddOptions<OperatorOptions>().BindConfiguration(OperatorOptions.Section);
        services.AddSingleton<OperatorKeyStore>();
        services.AddHostedService(sp => sp.GetRequiredService<OperatorKeyStore>());
        services.AddSingleton<LedgerStore>();
        services.AddSingleton<ReconciliationStore>();
        services.AddSingleton<ReconciliationMetrics>();
        services.AddSingleton<Reconciler>();
        services.AddOptions<ReconciliationOptions>().BindConfiguration(ReconciliationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<ReconciliationWorker>();

        services.AddOptions<PspOptions>().BindConfiguration(PspOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new PspClient(
            // One client for the process: the circuit breaker's state must be shared. 10,000
            // calls in flight need as many connections, within the open-files budget; the
            // worker pool runs no more steps than that, so no call waits here for a connection.
            new HttpClient(new SocketsHttpHandler
            {
                MaxConnectionsPerServer = PspConnections(sp),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(5),
            }),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<PspOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<PaymentsMetrics>()));

        services.AddOptions<ChargeOptions>().BindConfiguration(ChargeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<GroupCommitOptions>().BindConfiguration(GroupCommitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ChargeOptions>, ChargeOptionsValidator>();
        services.AddOptions<PartitionOptions>().BindConfiguration(PartitionOptions.Section).ValidateDataAnnotations().ValidateOnStart()
            .PostConfigure<IServiceProvider>((options, sp) => options.ConcurrencyPerPartition = Math.Clamp(
                PspConnections(sp) / options.Partitions, 1, options.ConcurrencyPerPartition));
        services.AddSingleton<ChargeStore>();
        services.AddSingleton<CreateCallsInFlight>();
        services.AddSingleton(sp => new ChargesInProgress(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ChargeOptions>>(), PspConnections(sp), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<PaymentsMetrics>()));
        services.AddSingleton<OutcomeNotifier>();
        services.AddSingleton<IWorkHandler<WorkItem>, ChargeProcessor>();
        services.AddSingleton<ChargeService>();
        services.AddSingleton<OperationStore>();
        services.AddSingleton<OperationService>();
        services.AddSingleton<DisputeStore>();
        services.AddSingleton<SellerStore>();
        services.AddOptions<PayoutOptions>().BindConfiguration(PayoutOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PayoutStore>();
        services.AddSingleton<PayoutMetrics>();
        services.AddSingleton<PayoutProcessor>();
        services.AddSingleton<PayoutService>();
        services.AddHostedService<PayoutSweepWorker>();
        services.AddSingleton<RetentionWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionWorker>());
        services.AddSingleton<BalanceStore>();
        services.AddSingleton<PspWebhookStore>();
        services.AddSingleton<PspWebhookHandler>();

        // Batchers before the pool: hosted services stop in reverse order, so the pool's last
        // steps can still commit their transitions while it drains.
        services.AddSingleton<IntentBatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<IntentBatcher>());
        services.AddSingleton<TransitionBatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<TransitionBatcher>());
        services.AddSingleton<PspWebhookRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<PspWebhookRecorder>());
        services.AddSingleton<PartitionedWorkerPool<WorkItem>>();
        services.AddHostedService(sp => sp.GetRequiredService<PartitionedWorkerPool<WorkItem>>());
        services.AddSingleton<RecoverySweepWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<RecoverySweepWorker>());
        services.AddOptions<PspEventOptions>().BindConfiguration(PspEventOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PspEventCursorStore>();
        services.AddSingleton<PspEventReader>();
        services.AddHostedService(sp => sp.GetRequiredService<PspEventReader>());

        services.AddOutbox(configuration);
        return services;
    }

    private static int PspConnections(IServiceProvider services) => DescriptorBudget.Cap(
        services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PspOptions>>().Value.MaxConnections,
        services.GetRequiredService<DescriptorBudget>().PspConnections);
}
