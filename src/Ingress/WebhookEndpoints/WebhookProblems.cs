using Microsoft.AspNetCore.Http.HttpResults;
using Payments.Ingress.Errors;

namespace Payments.Ingress.WebhookEndpoints;

/// <summary>Problems specific to webhook endpoints and their deliveries.</summary>
internal static class WebhookProblems
{
    public static ProblemHttpResult DeliveryAlreadyQueued() =>
        ApiProblems.Problem(StatusCodes.Status409Conflict, "invalid_state", "The delivery is already queued.",
            "Only a delivered or failed delivery can be redelivered; this one will be attempted without it.");

    public static ProblemHttpResult EndpointLimitReached(int limit) =>
        ApiProblems.Problem(StatusCodes.Status409Conflict, "endpoint_limit_reached", "The merchant has as many webhook endpoints as it may.",
            $"At most {limit} enabled endpoints; delete one to add another. Nothing was recorded.");
}
