using Microsoft.AspNetCore.Http.HttpResults;
using Payments.Ingress.Auth;
using Payments.Ingress.Charges;
using Payments.Ingress.Errors;
using Payments.Ingress.Validation;
using Payments.Pipeline.Payouts;
using Payments.Ingress.OpenApi;

namespace Payments.Ingress.Payouts;

/// <summary>
/// The merchant's payouts: to one of its sellers or to itself. A payout answers like a charge:
/// 201 once it is paid or failed, else 202 while the PSP carries it (it ends by itself).
/// </summary>
internal static class PayoutsApi
{
    public static IEndpointRouteBuilder MapPayouts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/payouts").WithTags("Payouts").RequireMerchant().WithMerchantPosts();
        group.MapPost("/", CreateAsync).WithName("CreatePayout").Accepts(emptyBodyAllowed: false)
            .Takes(ApiSchemas.PayoutRequest, honoursPrefer: true)
            .Answers(ApiSchemas.Payout, [StatusCodes.Status201Created, StatusCodes.Status202Accepted], "insufficient_available_balance");
        group.MapGet("/", ListAsync).WithName("ListPayouts").Answers(ApiSchemas.ListOf(ApiSchemas.Payout), "invalid_request");
        group.MapGet("/{id}", GetAsync).WithName("GetPayout").Answers(ApiSchemas.Payout);
        return routes;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> CreateAsync(
        HttpContext context, PayoutService payouts, CancellationToken cancellationToken)
    {
        var request = context.MerchantPostRequest();
        var read = PayoutRequestReader.Read(request.Body.RootElement, context.Merchant().Id, request.IdempotencyKey);
        if (read is PayoutRequestReader.Result.Invalid invalid)
        {
            return ApiProblems.InvalidRequest(invalid.Errors);
        }

        var answer = await payouts.CreateAsync(((PayoutRequestReader.Result.Valid)read).Request, MerchantPost.WantsAsync(context), cancellationToken).ConfigureAwait(false);
        switch (answer)
        {
            case PayoutAnswer.Done done:
                if (done.Replayed)
                {
                    context.Response.Headers["Idempotent-Replayed"] = "true";
                }

                return JsonResults.Object(done.Json, done.Ended ? StatusCodes.Status201Created : StatusCodes.Status202Accepted);
            case PayoutAnswer.KeyReused:
                return ApiProblems.IdempotencyKeyReused();
            case PayoutAnswer.UnknownSeller:
                return ApiProblems.InvalidRequest(new Dictionary<string, string[]>(StringComparer.Ordinal) { ["seller"] = ["No such seller."] });
            default:
                return ApiProblems.InsufficientAvailableBalance(((PayoutAnswer.Insufficient)answer).Available);
        }
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetAsync(
        string id, HttpContext context, PayoutStore payouts, CancellationToken cancellationToken)
    {
        var found = await payouts.FindJsonAsync(context.Merchant().Id, id, cancellationToken).ConfigureAwait(false);
        return found is { } payout ? JsonResults.Object(payout.Json) : ApiProblems.NotFound("payout");
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ListAsync(
        HttpContext context, PayoutStore payouts, string? seller, string? status, string? starting_after, int? limit, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (limit is < 1 or > 100)
        {
            errors["limit"] = ["Must be from 1 to 100."];
        }

        if (status is not null && !PayoutLifecycle.Statuses.Contains(status))
        {
            errors["status"] = [$"Must be one of {string.Join(", ", PayoutLifecycle.Statuses)}."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.InvalidRequest(errors);
        }

        var pageSize = limit ?? 10;
        var merchantId = context.Merchant().Id;
        var page = await payouts.ListJsonAsync(merchantId, seller, status, starting_after, pageSize + 1, cancellationToken).ConfigureAwait(false);

        // An unknown cursor compares with nothing, so it can only show as an empty page.
        if (page.Count == 0 && starting_after is not null && await payouts.FindJsonAsync(merchantId, starting_after, cancellationToken).ConfigureAwait(false) is null)
        {
            return ApiProblems.UnknownCursor("starting_after");
        }

        return JsonResults.List(page, pageSize);
    }
}
