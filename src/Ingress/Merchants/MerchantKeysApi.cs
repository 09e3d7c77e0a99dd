using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Payments.Ingress.Auth;
using Payments.Ingress.Charges;
using Payments.Ingress.Errors;
using Payments.Ingress.Validation;
using Payments.Pipeline;
using Payments.Pipeline.Merchants;
using Payments.Ingress.OpenApi;

namespace Payments.Ingress.Merchants;

/// <summary>
/// The operator's hold on merchants' API keys: list them (never a secret), roll a new one (its
/// secret shown once, in that answer only), revoke one. A revoked key fails the very next request
/// on every instance, since authentication reads the keys table each time.
/// </summary>
internal static class MerchantKeysApi
{
    /// <summary>The longest grace a roll gives the old keys: a week.</summary>
    private const int MaxGraceSeconds = 7 * 24 * 3600;

    private static readonly HashSet<string> RollFields = new(StringComparer.Ordinal) { "expire_old_in_seconds" };

    private static readonly HashSet<string> NoFields = new(StringComparer.Ordinal);

    public static IEndpointRouteBuilder MapMerchantKeys(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/merchants/{merchantId}/keys").WithTags("Merchant keys (operator)").RequireOperator().WithMerchantPosts();
        group.MapGet("/", ListAsync).WithName("ListMerchantKeys").Answers(ApiSchemas.ListOf(ApiSchemas.ApiKey), "invalid_request");
        group.MapPost("/", RollAsync).WithName("RollMerchantKey").Accepts(emptyBodyAllowed: true, RollFields)
            .Takes(ApiSchemas.KeyRollRequest)
            .Answers(ApiSchemas.ApiKey, [StatusCodes.Status201Created]);
        group.MapPost("/{keyId}/revoke", RevokeAsync).WithName("RevokeMerchantKey").Accepts(emptyBodyAllowed: true, NoFields)
            .Takes(ApiSchemas.EmptyRequest)
            .Answers(ApiSchemas.ApiKey);
        return routes;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ListAsync(
        string merchantId, int? limit, ApiKeyStore keys, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 100)
        {
            return ApiProblems.InvalidRequest(new Dictionary<string, string[]> { ["limit"] = ["Must be from 1 to 100."] });
        }

        var pageSize = limit ?? 100;
        return await keys.ListAsync(merchantId, pageSize + 1, cancellationToken).ConfigureAwait(false) is { } page
            ? JsonResults.List(page, pageSize)
            : ApiProblems.NotFound("merchant");
    }

    /// <summary>
    /// A new key; the merchant's other keys end after <c>expire_old_in_seconds</c> (default 0: at
    /// once). A replay answers the key the first request made, with <c>"secret": null</c>: the
    /// secret exists only in the first answer (a caller that lost it rolls again).
    /// </summary>
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> RollAsync(
        string merchantId, HttpContext context, ApiKeyStore keys, ILogger<ApiKeyStore> logger, CancellationToken cancellationToken)
    {
        var request = context.MerchantPostRequest();
        var root = request.Body.RootElement;
        var grace = 0;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return ApiProblems.InvalidRequest(new Dictionary<string, string[]> { ["body"] = ["Must be a JSON object."] });
        }

        if (root.TryGetProperty("expire_old_in_seconds", out var value)
            && (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out grace) || grace is < 0 or > MaxGraceSeconds))
        {
            return ApiProblems.InvalidRequest(new Dictionary<string, string[]>
            {
                ["expire_old_in_seconds"] = [$"An integer from 0 (the old keys stop at once) to {MaxGraceSeconds}."],
            });
        }

        var hash = RequestHash.Of("POST", $"/v1/merchants/{merchantId}/keys", writer => writer.WriteNumber("expire_old_in_seconds", grace));
        switch (await keys.RollAsync(merchantId, request.IdempotencyKey, hash, grace, cancellationToken).ConfigureAwait(false))
        {
            case KeyRoll.Rolled rolled:
                var key = JsonNode.Parse(rolled.Json)!.AsObject();
                key["secret"] = rolled.Secret;
                Log.KeyRolled(logger, (string)key["id"]!, merchantId, grace);
                return JsonResults.Object(key.ToJsonString(), StatusCodes.Status201Created);
            case KeyRoll.Replayed replayed:
                var again = JsonNode.Parse(replayed.Json)!.AsObject();
                again["secret"] = null;
                context.Response.Headers["Idempotent-Replayed"] = "true";
                return JsonResults.Object(again.ToJsonString(), StatusCodes.Status201Created);
            case KeyRoll.KeyReused:
                return ApiProblems.IdempotencyKeyReused();
            default:
                return ApiProblems.NotFound("merchant");
        }
    }

    /// <summary>Revoking is idempotent by nature: a revoked key answers as it is.</summary>
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> RevokeAsync(
        string merchantId, string keyId, ApiKeyStore keys, ILogger<ApiKeyStore> logger, CancellationToken cancellationToken)
    {
        if (await keys.RevokeAsync(merchantId, keyId, cancellationToken).ConfigureAwait(false) is not { } json)
        {
            return ApiProblems.NotFound("API key");
        }

        Log.KeyRevoked(logger, keyId, merchantId);
        return JsonResults.Object(json);
    }
}
