using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Payments.Pipeline.Hosting;

namespace Payments.Ingress.Operations;

/// <summary>Liveness, readiness and the Prometheus scrape endpoint; no authentication.</summary>
internal static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", Healthz).WithName("Healthz");
        routes.MapGet("/readyz", Readyz).WithName("Readyz");
        routes.MapGet("/metrics", Metrics).WithName("Metrics");
        return routes;
    }

    private static Ok<HealthReport> Healthz() => TypedResults.Ok(new HealthReport("ok", null, null));

    private static Results<Ok<HealthReport>, JsonHttpResult<HealthReport>> Readyz(Readiness readiness)
    {
        var report = new HealthReport(readiness.IsReady ? "ok" : "starting", readiness.DatabaseMigrated, readiness.PipelineRunning);
        return readiness.IsReady
            ? TypedResults.Ok(report)
            : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static ContentHttpResult Metrics(PrometheusExporter exporter)
    {
        var output = new StringBuilder();
        exporter.Write(output);
        return TypedResults.Content(output.ToString(), "text/plain; version=0.0.4; charset=utf-8");
    }

    internal sealed record HealthReport(string Status, bool? DatabaseMigrated, bool? PipelineRunning);
}
