using Microsoft.AspNetCore.Http.HttpResults;
using Payments.Ingress.Auth;
using Payments.Ingress.Charges;
using Payments.Ingress.Errors;
using Payments.Ingress.Validation;
using Payments.Pipeline.Charges;
using Payments.Pipeline.Sellers;
using Payments.Ingress.OpenApi;

namespace Payments.Ingress.Sellers;

/// <summary>A merchant's sellers: the parties a charge's splits pay (merchant contract, "Sellers and split payments").</summary>
internal static class SellersApi
{
    private const int DefaultLimit = 10;
    private const int MaxLimit = 100;

    public static IEndpointRouteBuilder MapSellers(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/sellers").WithTags("Sellers").RequireMerchant().WithMerchantPosts();
        group.MapPost("/", CreateSellerAsync).WithName("CreateSeller").Accepts(emptyBodyAllowed: false, SellerRequestReader.Fields)
            .Takes(ApiSchemas.SellerRequest)
            .Answers(ApiSchemas.Seller, [StatusCodes.Status201Created]);
        group.MapGet("/{id}", GetSellerAsync).WithName("GetSeller").Answers(ApiSchemas.Seller);
        group.MapGet("/", ListSellersAsync).WithName("ListSellers").Answers(ApiSchemas.ListOf(ApiSchemas.Seller), "invalid_request");
        return routes;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> CreateSellerAsync(
        HttpContext context, SellerStore store, CancellationToken cancellationToken)
    {
        var request = context.MerchantPostRequest();
        var read = SellerRequestReader.Read(request.Body.RootElement);
        if (read is SellerRequestReader.Result.Invalid invalid)
        {
            return ApiProblems.InvalidRequest(invalid.Errors);
        }

        var valid = (SellerRequestReader.Result.Valid)read;

        var creation = await store.CreateAsync(
            Ids.NewSellerId(), context.Merchant().Id, valid.Name, valid.BankAccount, request.IdempotencyKey, valid.RequestHash, cancellationToken).ConfigureAwait(false);
        if (creation is not SellerCreation.Created created)
        {
            return ApiProblems.IdempotencyKeyReused();
        }

        if (created.Replayed)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }

        return JsonResults.Object(created.Json, StatusCodes.Status201Created);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetSellerAsync(
        string id, HttpContext context, SellerStore store, CancellationToken cancellationToken)
    {
        var json = await store.FindJsonAsync(context.Merchant().Id, id, cancellationToken).ConfigureAwait(false);
        return json is null ? ApiProblems.NotFound("seller") : JsonResults.Object(json);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ListSellersAsync(
        HttpContext context, SellerStore store, string? starting_after, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return ApiProblems.InvalidRequest(new Dictionary<string, string[]>(StringComparer.Ordinal) { ["limit"] = [$"Must be from 1 to {MaxLimit}."] });
        }

        var pageSize = limit ?? DefaultLimit;
        var merchantId = context.Merchant().Id;
        var page = await store.ListJsonAsync(merchantId, starting_after, pageSize + 1, cancellationToken).ConfigureAwait(false);

        // An unknown cursor compares with nothing, so it can only show as an empty page.
        if (page.Count == 0 && starting_after is not null && await store.FindJsonAsync(merchantId, starting_after, cancellationToken).ConfigureAwait(false) is null)
        {
            return ApiProblems.UnknownCursor("starting_after");
        }

        return JsonResults.List(page, pageSize);
    }
}
