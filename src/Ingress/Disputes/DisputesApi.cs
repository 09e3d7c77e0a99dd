using Microsoft.AspNetCore.Http.HttpResults;
using Payments.Ingress.Auth;
using Payments.Ingress.Charges;
using Payments.Ingress.Errors;
using Payments.Pipeline.Disputes;
using Payments.Ingress.OpenApi;

namespace Payments.Ingress.Disputes;

/// <summary>The merchant's disputes, read only: they are opened and decided at the PSP, and ours follow.</summary>
internal static class DisputesApi
{
    public static IEndpointRouteBuilder MapDisputes(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/disputes").WithTags("Disputes").RequireMerchant();
        group.MapGet("/", ListAsync).WithName("ListDisputes").Answers(ApiSchemas.ListOf(ApiSchemas.Dispute), "invalid_request");
        group.MapGet("/{id}", GetAsync).WithName("GetDispute").Answers(ApiSchemas.Dispute);
        return routes;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetAsync(
        string id, HttpContext context, DisputeStore disputes, CancellationToken cancellationToken)
    {
        var json = await disputes.FindJsonAsync(context.Merchant().Id, id, cancellationToken).ConfigureAwait(false);
        return json is not null ? JsonResults.Object(json) : ApiProblems.NotFound("dispute");
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ListAsync(
        HttpContext context, DisputeStore disputes, string? charge, string? status, string? starting_after, int? limit, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (limit is < 1 or > 100)
        {
            errors["limit"] = ["Must be from 1 to 100."];
        }

        if (status is not null && !DisputeLifecycle.Statuses.Contains(status))
        {
            errors["status"] = [$"Must be one of {string.Join(", ", DisputeLifecycle.Statuses)}."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.InvalidRequest(errors);
        }

        var pageSize = limit ?? 10;
        var merchantId = context.Merchant().Id;
        var page = await disputes.ListJsonAsync(merchantId, charge, status, starting_after, pageSize + 1, cancellationToken).ConfigureAwait(false);

        // An unknown cursor compares with nothing, so it can only show as an empty page.
        if (page.Count == 0 && starting_after is not null && await disputes.FindJsonAsync(merchantId, starting_after, cancellationToken).ConfigureAwait(false) is null)
        {
            return ApiProblems.UnknownCursor("starting_after");
        }

        return JsonResults.List(page, pageSize);
    }
}
