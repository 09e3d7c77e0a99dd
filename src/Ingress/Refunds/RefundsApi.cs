using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Payments.Ingress.Auth;
using Payments.Ingress.Charges;
using Payments.Ingress.Errors;
using Payments.Ingress.Validation;
using Payments.Pipeline.Charges;
using Payments.Pipeline.Operations;
using Payments.Ingress.OpenApi;

namespace Payments.Ingress.Refunds;

/// <summary>Partial refunds of a captured charge, each with its own durable id.</summary>
internal static class RefundsApi
{
    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal) { "amount", "reason" };
    private static readonly HashSet<string> Reasons = new(StringComparer.Ordinal) { "requested_by_customer", "duplicate", "fraudulent" };

    public static IEndpointRouteBuilder MapRefunds(this IEndpointRouteBuilder routes)
    {
        var charge = routes.MapGroup("/v1/charges/{id}/refunds").WithTags("Refunds").RequireMerchant().WithMerchantPosts();
        charge.MapPost("/", CreateAsync).WithName("CreateRefund").Accepts(emptyBodyAllowed: true, Fields)
            .Takes(ApiSchemas.RefundRequest)
            .Answers(ApiSchemas.Refund, [StatusCodes.Status201Created, StatusCodes.Status202Accepted], OperationResults.RefundProblems);
        charge.MapGet("/", ListAsync).WithName("ListChargeRefunds").Answers(ApiSchemas.ListOf(ApiSchemas.Refund));
        routes.MapGroup("/v1/refunds").WithTags("Refunds").RequireMerchant().MapGet("/{id}", GetAsync).WithName("GetRefund").Answers(ApiSchemas.Refund);
        return routes;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> CreateAsync(
        string id, HttpContext context, OperationService operations, CancellationToken cancellationToken)
    {
        var request = context.MerchantPostRequest();
        var body = request.Body;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var amount = BodyFields.OptionalAmount(body.RootElement, errors);
        string? reason = null;
        if (body.RootElement.TryGetProperty("reason", out var r))
        {
            reason = r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            if (reason is null || !Reasons.Contains(reason))
            {
                errors["reason"] = ["Must be requested_by_customer, duplicate or fraudulent."];
            }
        }

        if (errors.Count > 0)
        {
            return ApiProblems.InvalidRequest(errors);
        }

        var hash = RequestHash.Of("POST", $"/v1/charges/{id}/refunds", writer =>
        {
            if (amount is { } value)
            {
                writer.WriteNumber("amount", value);
            }
            else
            {
                writer.WriteNull("amount");
            }

            writer.WriteString("reason", reason);
        });
        var answer = await operations.RunAsync(new RefundCommand(context.Merchant().Id, id, request.IdempotencyKey, hash, amount, reason), cancellationToken).ConfigureAwait(false);
        return OperationResults.Render(context, answer, StatusCodes.Status201Created);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ListAsync(
        string id, HttpContext context, ChargeStore charges, OperationStore operations, CancellationToken cancellationToken)
    {
        var merchant = context.Merchant();
        if (await charges.FindJsonAsync(merchant.Id, id, cancellationToken).ConfigureAwait(false) is null)
        {
            return ApiProblems.NotFound("charge");
        }

        var refunds = await operations.ListRefundsJsonAsync(merchant.Id, id, cancellationToken).ConfigureAwait(false);
        return JsonResults.List(refunds, refunds.Count);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetAsync(
        string id, HttpContext context, OperationStore operations, CancellationToken cancellationToken)
    {
        var found = await operations.FindRefundJsonAsync(context.Merchant().Id, id, cancellationToken).ConfigureAwait(false);
        return found is { } refund ? JsonResults.Object(refund.Json) : ApiProblems.NotFound("refund");
    }
}
