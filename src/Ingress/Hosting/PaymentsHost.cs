using System.Diagnostics.Metrics;
using Payments.Ingress.Operations;
using Payments.Pipeline.Hosting;
using Payments.Pipeline.Observability;

namespace Payments.Ingress.Hosting;

/// <summary>
/// Composes the service. <c>Program</c> uses it with the embedded defaults; tests use it
/// directly with their own database, simulator and <c>Urls</c>.
/// </summary>
public static class PaymentsHost
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
        builder.Services.AddPaymentsPipeline(builder.Configuration);
        builder.Services.AddSingleton(sp => new PrometheusExporter(
            sp.GetRequiredService<IMeterFactory>(), [PaymentsMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Payments."]));
        builder.Services.AddProblemDetails();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOperations();
        return app;
    }
}
