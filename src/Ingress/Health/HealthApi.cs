using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Payments.Ingress.Errors;
using Payments.Pipeline.Hosting;
using Payments.Pipeline.Observability;

namespace Payments.Ingress.Health;

/// <summary>Liveness, readiness and the Prometheus scrape endpoint (from the allowed networks only); no authentication.</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", Healthz).WithName("Healthz");
        routes.MapGet("/readyz", Readyz).WithName("Readyz");
        routes.MapGet("/metrics", Metrics).WithName("Metrics");
        return routes;
    }

    private static Ok<HealthReport> Healthz() => TypedResults.Ok(new HealthReport("ok", null, null));

    private static async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> Readyz(Readiness readiness, CancellationToken cancellationToken)
    {
        var ready = await readiness.CheckAsync(cancellationToken).ConfigureAwait(false);
        var status = ready ? "ok" : !readiness.DatabaseMigrated || !readiness.PipelineRunning ? "starting" : "database_unreachable";
        var report = new HealthReport(status, readiness.DatabaseMigrated, readiness.PipelineRunning, readiness.DatabaseAnswers);
        return ready
            ? TypedResults.Ok(report)
            : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task Metrics(HttpContext context, PaymentsMetrics metrics, IOptions<MetricsAccessOptions> access)
    {
        // Answered like a route that does not exist: a stranger learns nothing from it.
        if (!access.Value.Allows(context.Connection.RemoteIpAddress))
        {
            await ApiProblems.NotFound("route").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await metrics.ExportAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    internal sealed record HealthReport(string Status, bool? DatabaseMigrated, bool? PipelineRunning, bool? DatabaseAnswers = null);
}
