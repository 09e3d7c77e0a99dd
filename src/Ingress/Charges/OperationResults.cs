using Microsoft.AspNetCore.Http.HttpResults;
using Payments.Ingress.Errors;
using Payments.Pipeline.Operations;

namespace Payments.Ingress.Charges;

/// <summary>Renders the answer of a capture, void or refund.</summary>
internal static class OperationResults
{
    /// <summary>The problem codes <see cref="Render"/> gives a capture (for the OpenAPI document).</summary>
    public static readonly string[] CaptureProblems = ["invalid_state", "operation_in_progress", "amount_exceeds_capturable", "amount_below_splits", "overloaded"];

    /// <summary>The problem codes <see cref="Render"/> gives a void.</summary>
    public static readonly string[] VoidProblems = ["invalid_state", "operation_in_progress", "overloaded"];

    /// <summary>The problem codes <see cref="Render"/> gives a refund.</summary>
    public static readonly string[] RefundProblems = ["invalid_state", "operation_in_progress", "refund_exceeds_captured", "charge_disputed", "overloaded"];

    public static Results<ContentHttpResult, ProblemHttpResult> Render(HttpContext context, OperationAnswer answer, int finalStatus)
    {
        switch (answer)
        {
            case OperationAnswer.Done done:
                if (done.Replayed)
                {
                    context.Response.Headers["Idempotent-Replayed"] = "true";
                }

                return JsonResults.Object(done.Json, done.IsFinal ? finalStatus : StatusCodes.Status202Accepted);
            case OperationAnswer.NotFound:
                return ApiProblems.NotFound("charge");
            case OperationAnswer.KeyReused:
                return ApiProblems.IdempotencyKeyReused();
            case OperationAnswer.InvalidState invalid:
                return ApiProblems.Problem(StatusCodes.Status409Conflict, "invalid_state", "The charge is not in a state that allows this.", invalid.Detail);
            case OperationAnswer.AmountExceedsCapturable exceeds:
                return ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, "amount_exceeds_capturable", "The amount is more than was authorized.",
                    $"At most {exceeds.Capturable} can be captured; nothing changed.");
            case OperationAnswer.RefundExceedsCaptured exceeds:
                return ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, "refund_exceeds_captured", "The refund is more than is left to refund.",
                    $"At most {exceeds.Refundable} can be refunded now; nothing changed.");
            case OperationAnswer.AmountBelowSplits below:
                return ApiProblems.AmountBelowSplits(below.Splits, below.Fee);
            case OperationAnswer.ChargeDisputed:
                return ApiProblems.ChargeDisputed();
            case OperationAnswer.InProgress inProgress:
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(inProgress.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return ApiProblems.Problem(StatusCodes.Status409Conflict, "operation_in_progress", "A previous operation on this charge is still being resolved with the PSP.",
                    "Nothing was sent; retry with the same Idempotency-Key after Retry-After.");
            default:
                context.Response.Headers.RetryAfter = "1";
                return ApiProblems.Overloaded();
        }
    }
}
