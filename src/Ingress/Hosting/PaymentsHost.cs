using Payments.Ingress.Balances;
using Payments.Ingress.Charges;
using Payments.Ingress.Disputes;
using Payments.Ingress.Events;
using Payments.Ingress.Health;
using Payments.Ingress.Ledger;
using Payments.Ingress.Merchants;
using Payments.Ingress.OpenApi;
using Payments.Ingress.Payouts;
using Payments.Ingress.PspWebhooks;
using Payments.Ingress.RateLimits;
using Payments.Ingress.Reconciliation;
using Payments.Ingress.Refunds;
using Payments.Ingress.Sellers;
using Payments.Ingress.WebhookEndpoints;
using Payments.Pipeline.Hosting;
using Microsoft.Extensions.Options;
using Payments.Pipeline.Partitioning;

namespace Payments.Ingress.Hosting;

/// <summary>
/// Composes the service. <c>Program</c> uses it with the embedded defaults; tests use it
/// directly with their own database, simulator and <c>Urls</c>.
/// </summary>
public static partial class PaymentsHost
{
    public static WebApplicationBuilder CreateBuilder(string[] args, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // One open-files budget for the process: the pipeline sizes PSP connections from it,
        // and client connections get their share here. Kestrel closes those beyond it at once,
        // so a flood of clients is refused instead of taking the descriptors that PSP calls, the
        // database and the runtime need.
        var budget = DescriptorBudget.For(builder.Configuration);
        builder.Services.AddSingleton(budget);
        builder.Services.AddPaymentsPipeline(builder.Configuration);
        builder.Services.AddRateLimits();
        builder.Services.AddPaymentsOpenApi();
        var asked = builder.Configuration.GetValue<long?>("Kestrel:Limits:MaxConcurrentConnections");
        var inbound = DescriptorBudget.Cap(asked is { } value ? (int)Math.Min(value, int.MaxValue) : null, budget.InboundConnections);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxConcurrentConnections = inbound);
        builder.Services.AddOptions<MetricsAccessOptions>().BindConfiguration(MetricsAccessOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddExceptionHandler<Errors.DatabaseExceptionHandler>();
        Validation.PanRefusal.Register(builder.Services);
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Errors the framework raises (unknown route, unhandled exception) get a code too.
            context.ProblemDetails.Extensions.TryAdd("code", context.ProblemDetails.Status switch
            {
                StatusCodes.Status404NotFound => "not_found",
                StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
                StatusCodes.Status413PayloadTooLarge => "payload_too_large",
                StatusCodes.Status400BadRequest => "invalid_request",
                _ => "internal_error",
            });
        });

        var app = builder.Build();
        var partitions = app.Services.GetRequiredService<IOptions<PartitionOptions>>().Value;
        LogDescriptorBudget(app.Logger, budget.OpenFilesLimit, inbound, partitions.Partitions * partitions.ConcurrencyPerPartition, budget.Reserved);

        // Listening starts now, not at the first scrape: measurements made before a listener
        // exists are lost.
        HttpServerMetrics.Export(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseChargeAdmissionGate();
        app.MapHealth();
        app.MapCharges();
        app.MapChargeOperations();
        app.MapRefunds();
        app.MapDisputes();
        app.MapSellers();
        app.MapPayouts();
        app.MapBalances();
        app.MapLedger();
        app.MapReconciliation();
        app.MapMerchantKeys();
        app.MapPspWebhooks();
        app.MapEvents();
        app.MapWebhookEndpoints();
        app.MapPaymentsOpenApi();
        return app;
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information,
        Message = "Open files limit {Limit}: client connections up to {Inbound}, PSP calls in flight up to {Psp}, {Reserved} reserved for the database pool and the runtime")]
    private static partial void LogDescriptorBudget(ILogger logger, long limit, int inbound, int psp, int reserved);
}
