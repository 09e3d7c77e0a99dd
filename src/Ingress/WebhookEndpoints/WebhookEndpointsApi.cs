using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Payments.Ingress.Auth;
using Payments.Ingress.Charges;
using Payments.Ingress.Errors;
using Payments.Ingress.Validation;
using Payments.Pipeline.Outbox;
using Payments.Ingress.OpenApi;

namespace Payments.Ingress.WebhookEndpoints;

/// <summary>
/// Merchant webhook endpoints and their deliveries. The signing secret (<c>whsec_…</c>) is in
/// the create answer only: not in its idempotent replays (the contract shows it once, and a key
/// that leaked from a client's logs must not fetch it again; a client whose answer was lost
/// deletes the endpoint and creates another), nor in GET and lists.
/// </summary>
/// <remarks>
/// Deliveries: <c>GET /v1/webhook_endpoints/{id}/deliveries?status=&amp;limit=&amp;starting_after=</c>
/// (newest first), <c>GET …/deliveries/{delivery_id}</c>, <c>POST …/deliveries/{delivery_id}/redeliver</c>
/// (a failed or delivered one goes back to the queue with a fresh budget of attempts) and
/// <c>POST …/deliveries/redeliver_failed</c> (every failed one of the endpoint). Both POSTs need
/// an Idempotency-Key like every POST.
/// </remarks>
internal static class WebhookEndpointsApi
{
    private const int DefaultLimit = 10;
    private const int MaxLimit = 100;
    private const string DeliveryIdPrefix = "wd_";
    private static readonly HashSet<string> NoFields = new(StringComparer.Ordinal);

    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/webhook_endpoints").WithTags("Webhook endpoints").RequireMerchant().WithMerchantPosts();
        group.MapPost("/", CreateEndpointAsync).WithName("CreateWebhookEndpoint").Accepts(emptyBodyAllowed: false)
            .Takes(ApiSchemas.WebhookEndpointRequest)
            .Answers(ApiSchemas.WebhookEndpoint, [StatusCodes.Status201Created], "endpoint_limit_reached");
        group.MapGet("/", ListEndpointsAsync).WithName("ListWebhookEndpoints").Answers(ApiSchemas.ListOf(ApiSchemas.WebhookEndpoint), "invalid_request");
        group.MapGet("/{id}", GetEndpointAsync).WithName("GetWebhookEndpoint").Answers(ApiSchemas.WebhookEndpoint);
        group.MapDelete("/{id}", DeleteEndpointAsync).WithName("DeleteWebhookEndpoint").Answers(ApiSchemas.DeletedWebhookEndpoint);
        group.MapGet("/{id}/deliveries", ListDeliveriesAsync).WithName("ListWebhookDeliveries").Answers(ApiSchemas.ListOf(ApiSchemas.WebhookDelivery), "invalid_request");
        group.MapGet("/{id}/deliveries/{deliveryId}", GetDeliveryAsync).WithName("GetWebhookDelivery").Answers(ApiSchemas.WebhookDelivery);
        group.MapPost("/{id}/deliveries/{deliveryId}/redeliver", RedeliverAsync).WithName("RedeliverWebhookDelivery").Accepts(emptyBodyAllowed: true, NoFields)
            .Takes(ApiSchemas.EmptyRequest)
            .Answers(ApiSchemas.WebhookDelivery, "invalid_state");
        group.MapPost("/{id}/deliveries/redeliver_failed", RedeliverFailedAsync).WithName("RedeliverFailedWebhookDeliveries").Accepts(emptyBodyAllowed: true, NoFields)
            .Takes(ApiSchemas.EmptyRequest)
            .Answers(ApiSchemas.Redelivery);
        return routes;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> CreateEndpointAsync(
        HttpContext context, WebhookEndpointStore store, IOptions<WebhookOptions> options, CancellationToken cancellationToken)
    {
        var request = context.MerchantPostRequest();
        var key = request.IdempotencyKey;
        var read = WebhookEndpointRequestReader.Read(request.Body.RootElement, options.Value.AllowInsecureUrls);
        if (read is WebhookEndpointRequestReader.Result.Invalid invalid)
        {
            return ApiProblems.InvalidRequest(invalid.Errors);
        }

        var valid = (WebhookEndpointRequestReader.Result.Valid)read;
        var creation = await store.CreateAsync(
            "we_" + Guid.CreateVersion7().ToString("N"),
            context.Merchant().Id,
            valid.Url,
            "whsec_" + RandomNumberGenerator.GetHexString(64, lowercase: true),
            key,
            valid.RequestHash,
            cancellationToken).ConfigureAwait(false);

        if (creation is EndpointCreation.LimitReached limit)
        {
            return WebhookProblems.EndpointLimitReached(limit.Limit);
        }

        if (creation is not EndpointCreation.Created created)
        {
            return ApiProblems.IdempotencyKeyReused();
        }

        if (created.Replayed)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }

        return JsonResults.Object(created.Json, StatusCodes.Status201Created);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ListEndpointsAsync(
        HttpContext context, WebhookEndpointStore store, string? starting_after, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return LimitProblem();
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

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetEndpointAsync(
        string id, HttpContext context, WebhookEndpointStore store, CancellationToken cancellationToken)
    {
        var json = await store.FindJsonAsync(context.Merchant().Id, id, cancellationToken).ConfigureAwait(false);
        return json is null ? ApiProblems.NotFound("webhook endpoint") : JsonResults.Object(json);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> DeleteEndpointAsync(
        string id, HttpContext context, WebhookEndpointStore store, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(context.Merchant().Id, id, cancellationToken).ConfigureAwait(false))
        {
            return ApiProblems.NotFound("webhook endpoint");
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteString("object", "webhook_endpoint");
            writer.WriteBoolean("deleted", true);
            writer.WriteEndObject();
        }

        return JsonResults.Object(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ListDeliveriesAsync(
        string id, HttpContext context, WebhookEndpointStore endpoints, WebhookDeliveryStore deliveries,
        string? status, string? starting_after, int? limit, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"Must be from 1 to {MaxLimit}."];
        }

        if (status is not null and not ("pending" or "delivered" or "failed" or "cancelled"))
        {
            errors["status"] = ["Must be one of pending, delivered, failed, cancelled."];
        }

        long? after = null;
        if (starting_after is not null)
        {
            if (ParseDeliveryId(starting_after) is { } parsed)
            {
                after = parsed;
            }
            else
            {
                errors["starting_after"] = ["Must be a delivery id (wd_…)."];
            }
        }

        if (errors.Count > 0)
        {
            return ApiProblems.InvalidRequest(errors);
        }

        var merchantId = context.Merchant().Id;
        if (await endpoints.FindJsonAsync(merchantId, id, cancellationToken).ConfigureAwait(false) is null)
        {
            return ApiProblems.NotFound("webhook endpoint");
        }

        var pageSize = limit ?? DefaultLimit;
        var page = await deliveries.ListJsonAsync(merchantId, id, status, after, pageSize + 1, cancellationToken).ConfigureAwait(false);
        return JsonResults.List(page, pageSize);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetDeliveryAsync(
        string id, string deliveryId, HttpContext context, WebhookDeliveryStore deliveries, CancellationToken cancellationToken)
    {
        var json = ParseDeliveryId(deliveryId) is { } parsed
            ? await deliveries.FindJsonAsync(context.Merchant().Id, id, parsed, cancellationToken).ConfigureAwait(false)
            : null;
        return json is null ? ApiProblems.NotFound("webhook delivery") : JsonResults.Object(json);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> RedeliverAsync(
        string id, string deliveryId, HttpContext context, WebhookDeliveryStore deliveries, WakeSignal deliveriesDue, CancellationToken cancellationToken)
    {
        var key = context.MerchantPostRequest().IdempotencyKey;
        if (ParseDeliveryId(deliveryId) is not { } parsed)
        {
            return ApiProblems.NotFound("webhook delivery");
        }

        var hash = RequestHash.Of("POST", $"/v1/webhook_endpoints/{id}/deliveries/{deliveryId}/redeliver", _ => { });
        var answer = await deliveries.RedeliverAsync(context.Merchant().Id, id, parsed, key, hash, cancellationToken).ConfigureAwait(false);

        return Answer(context, answer, deliveriesDue, id);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> RedeliverFailedAsync(
        string id, HttpContext context, WebhookEndpointStore endpoints, WebhookDeliveryStore deliveries, WakeSignal deliveriesDue,
        CancellationToken cancellationToken)
    {
        var key = context.MerchantPostRequest().IdempotencyKey;
        var merchantId = context.Merchant().Id;
        if (await endpoints.FindJsonAsync(merchantId, id, cancellationToken).ConfigureAwait(false) is null)
        {
            return ApiProblems.NotFound("webhook endpoint");
        }

        var hash = RequestHash.Of("POST", $"/v1/webhook_endpoints/{id}/deliveries/redeliver_failed", _ => { });
        var answer = await deliveries.RedeliverFailedAsync(merchantId, id, key, hash, cancellationToken).ConfigureAwait(false);

        return Answer(context, answer, deliveriesDue, id);
    }

    private static Results<ContentHttpResult, ProblemHttpResult> Answer(HttpContext context, RedeliveryAnswer answer, WakeSignal deliveriesDue, string endpointId)
    {
        switch (answer)
        {
            case RedeliveryAnswer.Delivery delivery:
                MarkReplayOrWake(context, delivery.Replayed, deliveriesDue);
                return JsonResults.Object(delivery.Json);
            case RedeliveryAnswer.Requeued requeued:
                MarkReplayOrWake(context, requeued.Replayed, deliveriesDue);
                var buffer = new ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    writer.WriteStartObject();
                    writer.WriteString("object", "redelivery");
                    writer.WriteString("endpoint_id", endpointId);
                    writer.WriteNumber("requeued", requeued.Count);
                    writer.WriteEndObject();
                }

                return JsonResults.Object(Encoding.UTF8.GetString(buffer.WrittenSpan));
            case RedeliveryAnswer.AlreadyQueued:
                return WebhookProblems.DeliveryAlreadyQueued();
            case RedeliveryAnswer.KeyReused:
                return ApiProblems.IdempotencyKeyReused();
            default:
                return ApiProblems.NotFound("webhook delivery");
        }
    }

    private static void MarkReplayOrWake(HttpContext context, bool replayed, WakeSignal deliveriesDue)
    {
        if (replayed)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }
        else
        {
            deliveriesDue.Set();
        }
    }

    private static ProblemHttpResult LimitProblem() =>
        ApiProblems.InvalidRequest(new Dictionary<string, string[]>(StringComparer.Ordinal) { ["limit"] = [$"Must be from 1 to {MaxLimit}."] });

    private static long? ParseDeliveryId(string deliveryId) =>
        deliveryId.StartsWith(DeliveryIdPrefix, StringComparison.Ordinal)
        && long.TryParse(deliveryId.AsSpan(DeliveryIdPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : null;
}
