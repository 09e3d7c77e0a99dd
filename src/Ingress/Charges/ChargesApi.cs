using Microsoft.AspNetCore.Http.HttpResults;
using Payments.Ingress.Auth;
using Payments.Ingress.Errors;
using Payments.Ingress.Validation;
using Payments.Pipeline.Charges;
using Payments.Pipeline.Sellers;
using Payments.Ingress.OpenApi;

namespace Payments.Ingress.Charges;

internal static class ChargesApi
{
    public static IEndpointRouteBuilder MapCharges(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/charges").WithTags("Charges").RequireMerchant().WithMerchantPosts();
        group.MapPost("/", CreateChargeAsync).WithName("CreateCharge").RefusedFirstWhenFull().Accepts(emptyBodyAllowed: false)
            .Takes(ApiSchemas.ChargeRequest, honoursPrefer: true)
            .Answers(ApiSchemas.Charge, [StatusCodes.Status201Created, StatusCodes.Status202Accepted], "duplicate_order", "suspected_duplicate", "overloaded", "unavailable");
        group.MapGet("/{id}", GetChargeAsync).WithName("GetCharge").Answers(ApiSchemas.Charge);
        group.MapGet("/", ListChargesAsync).WithName("ListCharges").Answers(ApiSchemas.ListOf(ApiSchemas.Charge), "invalid_request");
        group.MapGet("/{id}/history", GetHistoryAsync).WithName("GetChargeHistory").Answers(ApiSchemas.ListOf(ApiSchemas.ChargeMove));
        return routes;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> CreateChargeAsync(
        HttpContext context, ChargeService charges, SellerStore sellers, CancellationToken cancellationToken)
    {
        var merchant = context.Merchant();
        var request = context.MerchantPostRequest();
        var key = request.IdempotencyKey;
        var read = ChargeRequestReader.Read(request.Body.RootElement, merchant, key);
        if (read is ChargeRequestReader.Result.Invalid invalid)
        {
            return ApiProblems.InvalidRequest(invalid.Errors);
        }

        var intent = ((ChargeRequestReader.Result.Valid)read).Intent;
        if (intent.Splits is { } splits)
        {
            // Sellers are never deleted, so one that is the merchant's now still is when the intent
            // commits: the group commit's foreign key cannot fail the other intents of its batch.
            var own = await sellers.OwnAmongAsync(merchant.Id, [.. splits.Select(s => s.Seller)], cancellationToken).ConfigureAwait(false);
            if (splits.Where(s => !own.Contains(s.Seller)).Select(s => $"{s.Seller}: no such seller.").ToArray() is { Length: > 0 } unknown)
            {
                return ApiProblems.InvalidRequest(new Dictionary<string, string[]>(StringComparer.Ordinal) { ["splits"] = unknown });
            }
        }

        var respondAsync = MerchantPost.WantsAsync(context);

        var answer = await charges.CreateAsync(intent, respondAsync, cancellationToken).ConfigureAwait(false);
        switch (answer)
        {
            case ChargeAnswer.Charge charge:
                if (charge.Replayed)
                {
                    context.Response.Headers["Idempotent-Replayed"] = "true";
                }

                if (!charge.IsFinal)
                {
                    context.Response.Headers.RetryAfter = "1";
                }

                return JsonResults.Object(charge.Json, charge.IsFinal ? StatusCodes.Status201Created : StatusCodes.Status202Accepted);
            case ChargeAnswer.KeyReused:
                return ApiProblems.IdempotencyKeyReused();
            case ChargeAnswer.DuplicateOrder duplicate:
                return ApiProblems.DuplicateOrder(duplicate.ChargeId);
            case ChargeAnswer.SuspectedDuplicate suspected:
                return ApiProblems.SuspectedDuplicate(suspected.ChargeId);
            case ChargeAnswer.Unavailable:
                context.Response.Headers.RetryAfter = "1";
                return ApiProblems.Unavailable();
            case ChargeAnswer.OutcomeUnknown:
                return ApiProblems.OutcomeUnknown();
            default:
                context.Response.Headers.RetryAfter = "1";
                return ApiProblems.Overloaded();
        }
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetChargeAsync(
        string id, HttpContext context, ChargeStore store, CancellationToken cancellationToken)
    {
        var found = await store.FindJsonAsync(context.Merchant().Id, id, cancellationToken).ConfigureAwait(false);
        return found is { } charge ? JsonResults.Object(charge.Json) : ApiProblems.NotFound("charge");
    }

    /// <summary>Every move of the charge and its refunds, with actor and reason, oldest first (the audit trail).</summary>
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetHistoryAsync(
        string id, HttpContext context, ChargeStore store, CancellationToken cancellationToken)
    {
        // Every charge has at least the move that recorded it, so nothing means not this merchant's.
        var moves = await store.HistoryJsonAsync(context.Merchant().Id, id, cancellationToken).ConfigureAwait(false);
        return moves.Count > 0 ? JsonResults.List(moves, moves.Count) : ApiProblems.NotFound("charge");
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ListChargesAsync(
        HttpContext context, ChargeStore store, string? order_id, string? status, string? starting_after, int? limit, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (limit is < 1 or > 100)
        {
            errors["limit"] = ["Must be from 1 to 100."];
        }

        if (status is not null and not (ChargeStatus.Pending or ChargeStatus.Authorized or ChargeStatus.Captured or ChargeStatus.Failed or ChargeStatus.Voided))
        {
            errors["status"] = ["Must be one of pending, authorized, captured, failed, voided."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.InvalidRequest(errors);
        }

        var pageSize = limit ?? 10;
        var merchantId = context.Merchant().Id;
        var page = await store.ListJsonAsync(merchantId, order_id, status, starting_after, pageSize + 1, cancellationToken).ConfigureAwait(false);

        // An unknown cursor compares with nothing, so it can only show as an empty page.
        if (page.Count == 0 && starting_after is not null && await store.FindJsonAsync(merchantId, starting_after, cancellationToken).ConfigureAwait(false) is null)
        {
            return ApiProblems.UnknownCursor("starting_after");
        }

        return JsonResults.List(page, pageSize);
    }
}
