using Microsoft.AspNetCore.Http.HttpResults;
using Payments.Ingress.Auth;
using Payments.Ingress.Errors;
using Payments.Ingress.Validation;
using Payments.Pipeline.Operations;
using Payments.Ingress.OpenApi;

namespace Payments.Ingress.Charges;

/// <summary>Capture and void of an authorized charge.</summary>
internal static class ChargeOperationsApi
{
    private static readonly HashSet<string> CaptureFields = new(StringComparer.Ordinal) { "amount" };
    private static readonly HashSet<string> VoidFields = new(StringComparer.Ordinal);

    public static IEndpointRouteBuilder MapChargeOperations(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/charges/{id}").WithTags("Charges").RequireMerchant().WithMerchantPosts();
        group.MapPost("/capture", CaptureAsync).WithName("CaptureCharge").Accepts(emptyBodyAllowed: true, CaptureFields)
            .Takes(ApiSchemas.CaptureRequest)
            .Answers(ApiSchemas.Charge, [StatusCodes.Status200OK, StatusCodes.Status202Accepted], OperationResults.CaptureProblems);
        group.MapPost("/void", VoidAsync).WithName("VoidCharge").Accepts(emptyBodyAllowed: true, VoidFields)
            .Takes(ApiSchemas.EmptyRequest)
            .Answers(ApiSchemas.Charge, [StatusCodes.Status200OK, StatusCodes.Status202Accepted], OperationResults.VoidProblems);
        return routes;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> CaptureAsync(
        string id, HttpContext context, OperationService operations, CancellationToken cancellationToken)
    {
        var request = context.MerchantPostRequest();
        var body = request.Body;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var amount = BodyFields.OptionalAmount(body.RootElement, errors);
        if (errors.Count > 0)
        {
            return ApiProblems.InvalidRequest(errors);
        }

        var hash = RequestHash.Of("POST", $"/v1/charges/{id}/capture", writer => writer.WriteNumberOrNull("amount", amount));
        var answer = await operations.RunAsync(new CaptureCommand(context.Merchant().Id, id, request.IdempotencyKey, hash, amount), cancellationToken).ConfigureAwait(false);
        return OperationResults.Render(context, answer, StatusCodes.Status200OK);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> VoidAsync(
        string id, HttpContext context, OperationService operations, CancellationToken cancellationToken)
    {
        var request = context.MerchantPostRequest();
        var hash = RequestHash.Of("POST", $"/v1/charges/{id}/void", _ => { });
        var answer = await operations.RunAsync(new VoidCommand(context.Merchant().Id, id, request.IdempotencyKey, hash), cancellationToken).ConfigureAwait(false);
        return OperationResults.Render(context, answer, StatusCodes.Status200OK);
    }

    private static void WriteNumberOrNull(this System.Text.Json.Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
