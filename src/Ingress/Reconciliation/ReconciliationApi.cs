using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Payments.Ingress.Auth;
using Payments.Ingress.Charges;
using Payments.Ingress.Errors;
using Payments.Ingress.Validation;
using Payments.Pipeline.Reconciliation;
using Payments.Ingress.OpenApi;

namespace Payments.Ingress.Reconciliation;

/// <summary>The operator's reconciliation runs and the discrepancies they found.</summary>
internal static class ReconciliationApi
{
    private static readonly string[] Statuses = ["open", "healed", "resolved"];

    public static IEndpointRouteBuilder MapReconciliation(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/reconciliation").WithTags("Reconciliation (operator)").RequireOperator();
        group.MapPost("/runs", RunAsync).WithName("CreateReconciliationRun")
            .Takes(ApiSchemas.ReconciliationRunRequest)
            .Answers(ApiSchemas.ReconciliationRun, [StatusCodes.Status201Created], "run_in_progress");
        group.MapGet("/runs", ListRunsAsync).WithName("ListReconciliationRuns").Answers(ApiSchemas.ListOf(ApiSchemas.ReconciliationRun), "invalid_request");
        group.MapGet("/runs/{id}", GetRunAsync).WithName("GetReconciliationRun").Answers(ApiSchemas.ReconciliationRun);
        group.MapGet("/discrepancies", ListDiscrepanciesAsync).WithName("ListDiscrepancies").Answers(ApiSchemas.ListOf(ApiSchemas.Discrepancy), "invalid_request");
        group.MapGet("/discrepancies/{id}", GetDiscrepancyAsync).WithName("GetDiscrepancy").Answers(ApiSchemas.Discrepancy);
        group.MapPost("/discrepancies/{id}/resolve", ResolveAsync).WithName("ResolveDiscrepancy")
            .Takes(ApiSchemas.ResolveRequest)
            .Answers(ApiSchemas.Discrepancy, "discrepancy_not_open");
        return routes;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> RunAsync(
        HttpContext context, Reconciler reconciler, ReconciliationStore store, CancellationToken cancellationToken)
    {
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length == 0)
        {
            return ApiProblems.IdempotencyKeyMissing();
        }

        if (key.Length > 255 || key.Any(char.IsControl))
        {
            return ApiProblems.IdempotencyKeyInvalid();
        }

        DateOnly date;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (body.RootElement.ValueKind != JsonValueKind.Object || !body.RootElement.TryGetProperty("date", out var value)
                || value.ValueKind != JsonValueKind.String
                || !DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            {
                return ApiProblems.InvalidRequest(new Dictionary<string, string[]> { ["date"] = ["Required: a settlement day as yyyy-mm-dd."] });
            }
        }
        catch (JsonException e)
        {
            return ApiProblems.MalformedJson(e.Message);
        }

        var hash = RequestHash.Of("POST", "/v1/reconciliation/runs", writer => writer.WriteString("date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        switch (await reconciler.RunAsync(date, key, hash, cancellationToken).ConfigureAwait(false))
        {
            case RunStart.Started started:
                return JsonResults.Object((await store.RunJsonAsync(started.RunId, cancellationToken).ConfigureAwait(false))!, StatusCodes.Status201Created);
            case RunStart.Replayed replayed:
                context.Response.Headers["Idempotent-Replayed"] = "true";
                return JsonResults.Object((await store.RunJsonAsync(replayed.RunId, cancellationToken).ConfigureAwait(false))!, StatusCodes.Status201Created);
            case RunStart.KeyReused:
                return ApiProblems.IdempotencyKeyReused();
            default:
                return ApiProblems.Problem(StatusCodes.Status409Conflict, "run_in_progress", "This date is being reconciled now.",
                    "Another run of the date is running (here or on another instance); nothing was started. Ask again when it is done.");
        }
    }

    /// <summary>An operator's note closes an open discrepancy; no money moves.</summary>
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ResolveAsync(
        string id, HttpContext context, ReconciliationStore store, CancellationToken cancellationToken)
    {
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length == 0)
        {
            return ApiProblems.IdempotencyKeyMissing();
        }

        if (key.Length > 255 || key.Any(char.IsControl))
        {
            return ApiProblems.IdempotencyKeyInvalid();
        }

        string? resolution;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
            resolution = body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("resolution", out var value)
                && value.ValueKind == JsonValueKind.String ? value.GetString()?.Trim() : null;
        }
        catch (JsonException e)
        {
            return ApiProblems.MalformedJson(e.Message);
        }

        if (string.IsNullOrEmpty(resolution) || resolution.Length > 2000 || resolution.Contains('\0', StringComparison.Ordinal))
        {
            return ApiProblems.InvalidRequest(new Dictionary<string, string[]> { ["resolution"] = ["Required: the operator's note, 1 to 2000 characters."] });
        }

        switch (await store.ResolveAsync(id, resolution, key, cancellationToken).ConfigureAwait(false))
        {
            case null:
                return ApiProblems.NotFound("discrepancy");
            case ("resolved", var json):
                return JsonResults.Object(json);
            case ("replayed", var json):
                context.Response.Headers["Idempotent-Replayed"] = "true";
                return JsonResults.Object(json);
            default:
                return ApiProblems.Problem(StatusCodes.Status409Conflict, "discrepancy_not_open", "Only an open discrepancy can be resolved.",
                    "It was healed by the service or resolved already; nothing changed.");
        }
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetRunAsync(string id, ReconciliationStore store, CancellationToken cancellationToken) =>
        await store.RunJsonAsync(id, cancellationToken).ConfigureAwait(false) is { } json ? JsonResults.Object(json) : ApiProblems.NotFound("reconciliation run");

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ListRunsAsync(
        ReconciliationStore store, string? starting_after, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 100)
        {
            return ApiProblems.InvalidRequest(new Dictionary<string, string[]> { ["limit"] = ["Must be from 1 to 100."] });
        }

        var pageSize = limit ?? 10;
        var page = await store.RunsJsonAsync(starting_after, pageSize + 1, cancellationToken).ConfigureAwait(false);
        return JsonResults.List(page, pageSize);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetDiscrepancyAsync(string id, ReconciliationStore store, CancellationToken cancellationToken) =>
        await store.DiscrepancyJsonAsync(id, cancellationToken).ConfigureAwait(false) is { } json ? JsonResults.Object(json) : ApiProblems.NotFound("discrepancy");

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ListDiscrepanciesAsync(
        ReconciliationStore store, string? status, string? kind, string? starting_after, int? limit, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (limit is < 1 or > 100)
        {
            errors["limit"] = ["Must be from 1 to 100."];
        }

        if (status is not null && !Statuses.Contains(status))
        {
            errors["status"] = ["Must be open, healed or resolved."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.InvalidRequest(errors);
        }

        var pageSize = limit ?? 10;
        var page = await store.DiscrepanciesJsonAsync(status, kind, starting_after, pageSize + 1, cancellationToken).ConfigureAwait(false);
        return JsonResults.List(page, pageSize);
    }
}
