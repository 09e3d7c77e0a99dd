using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Payments.Ingress.Errors;
using Payments.Ingress.Validation;
using Payments.Pipeline.Psp;
using Payments.Pipeline.PspWebhooks;

namespace Payments.Ingress.PspWebhooks;

/// <summary>The URL given to the PSP for its webhooks; authenticated by signature, not by key.</summary>
internal static class PspWebhooksApi
{
    private const int BodyLimit = 256 * 1024;

    public static IEndpointRouteBuilder MapPspWebhooks(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/psp/webhooks", ReceiveAsync).WithName("ReceivePspWebhook");
        return routes;
    }

    private static async Task<Results<Ok<WebhookReceipt>, ProblemHttpResult>> ReceiveAsync(
        HttpContext context, IOptions<PspOptions> options, PspWebhookHandler handler, TimeProvider clock, CancellationToken cancellationToken)
    {
        var body = await BoundedBody.ReadAsync(context.Request, BodyLimit, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return ApiProblems.PayloadTooLarge(BodyLimit);
        }

        // Over the raw bytes, exactly as sent: re-serialized JSON would not match.
        var signature = context.Request.Headers["Stripe-Signature"].ToString();
        if (!PspSignatureVerifier.IsValid(signature, body, options.Value.WebhookSecret ?? "", clock.GetUtcNow(), options.Value.WebhookTolerance))
        {
            return ApiProblems.InvalidSignature();
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var outcome = await handler.HandleAsync(document.RootElement, PspEventSources.Webhook, cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(new WebhookReceipt(true, outcome));
        }
        catch (PspWebhookBusyException)
        {
            // Not recorded: the PSP retries non-2xx answers, so it will come back.
            context.Response.Headers.RetryAfter = "1";
            return ApiProblems.Overloaded();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return ApiProblems.MalformedJson("Not a PSP event.");
        }
    }

    internal sealed record WebhookReceipt(bool Received, string Outcome);
}
