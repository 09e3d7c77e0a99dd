using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Payments.Pipeline.Observability;

namespace Payments.Pipeline.Psp;

/// <summary>
/// The adapter for the Stripe-shaped PSP contract. Every POST carries an Idempotency-Key
/// derived from our own durable id and the operation (invariant 1), never minted per
/// attempt, so any retry, replay or recovery after a crash can only replay the first call.
/// </summary>
public sealed partial class PspClient
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _outcomes;

    public PspClient(HttpClient http, IOptions<PspOptions> options, TimeProvider timeProvider, PaymentsMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _http = http;
        _http.BaseAddress = new Uri(options.Value.BaseUrl.TrimEnd('/') + "/");
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.ApiKey);
        _http.Timeout = Timeout.InfiniteTimeSpan;
        _pipeline = PspResilience.Build(options.Value, timeProvider);
        _duration = metrics.Meter.CreateHistogram<double>("payments.psp.call.duration", "s", "PSP calls, retries included, by operation and outcome.");
        _outcomes = metrics.Meter.CreateCounter<long>("payments.psp.calls", description: "PSP calls by operation and outcome.");
    }

    /// <summary>The PSP's Idempotency-Key for an operation on one of our objects.</summary>
    public static string IdempotencyKey(string objectId, string operation) => $"{objectId}:{operation}";

    public Task<PspOutcome> CreatePaymentIntentAsync(PaymentIntentRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var form = new List<KeyValuePair<string, string>>
        {
            new("amount", request.Amount.ToString(CultureInfo.InvariantCulture)),
            new("currency", request.Currency.ToLowerInvariant()),
            new("payment_method", request.PaymentMethod),
            new("confirm", "true"),
            new("capture_method", request.Capture ? "automatic" : "manual"),
            new("metadata[charge_id]", request.ChargeId),
            new("metadata[merchant_id]", request.MerchantId),
        };
        if (request.Description is not null)
        {
            form.Add(new("description", request.Description));
        }

        return SendAsync("create", HttpMethod.Post, "v1/payment_intents", form, IdempotencyKey(request.ChargeId, "create"), ParseIntent, cancellationToken);
    }

    public Task<PspOutcome> GetPaymentIntentAsync(string paymentIntentId, CancellationToken cancellationToken = default) =>
        SendAsync("retrieve", HttpMethod.Get, $"v1/payment_intents/{Uri.EscapeDataString(paymentIntentId)}", null, null, ParseIntent, cancellationToken);

    /// <summary>Finds the PaymentIntent carrying <c>metadata[charge_id]</c>; its index may lag writes.</summary>
    public Task<PspOutcome> SearchByChargeIdAsync(string chargeId, CancellationToken cancellationToken = default)
    {
        var query = Uri.EscapeDataString($"metadata['charge_id']:'{chargeId}'");
        return SendAsync("search", HttpMethod.Get, $"v1/payment_intents/search?query={query}", null, null,
            root => root.GetProperty("data") is { } data && data.GetArrayLength() > 0
                ? new PspOutcome.Completed(PaymentIntent.Parse(data[0]))
                : new PspOutcome.NotFound(),
            cancellationToken);
    }

    /// <summary>Captures (all, or <paramref name="amount"/>) under the operation's own key.</summary>
    public Task<PspOutcome> CapturePaymentIntentAsync(string operationId, string paymentIntentId, long? amount, CancellationToken cancellationToken = default)
    {
        var form = new List<KeyValuePair<string, string>>();
        if (amount is { } value)
        {
            form.Add(new("amount_to_capture", value.ToString(CultureInfo.InvariantCulture)));
        }

        return SendAsync("capture", HttpMethod.Post, $"v1/payment_intents/{Uri.EscapeDataString(paymentIntentId)}/capture", form,
            IdempotencyKey(operationId, "capture"), ParseIntent, cancellationToken);
    }

    public Task<PspOutcome> CancelPaymentIntentAsync(string operationId, string paymentIntentId, CancellationToken cancellationToken = default) =>
        SendAsync("cancel", HttpMethod.Post, $"v1/payment_intents/{Uri.EscapeDataString(paymentIntentId)}/cancel", [],
            IdempotencyKey(operationId, "cancel"), ParseIntent, cancellationToken);

    public Task<PspOutcome> CreateRefundAsync(string refundId, string paymentIntentId, long amount, CancellationToken cancellationToken = default) =>
        SendAsync("refund", HttpMethod.Post, "v1/refunds",
            [
                new("payment_intent", paymentIntentId),
                new("amount", amount.ToString(CultureInfo.InvariantCulture)),
                new("metadata[refund_id]", refundId),
            ],
            IdempotencyKey(refundId, "refund"), root => new PspOutcome.RefundCompleted(PspRefund.Parse(root)), cancellationToken);

    /// <summary>Finds our refund among the PaymentIntent's refunds (this list does not lag).</summary>
    public Task<PspOutcome> FindRefundAsync(string paymentIntentId, string refundId, CancellationToken cancellationToken = default) =>
        SendAsync("list_refunds", HttpMethod.Get, $"v1/refunds?payment_intent={Uri.EscapeDataString(paymentIntentId)}", null, null,
            root => root.GetProperty("data").EnumerateArray().Select(PspRefund.Parse).FirstOrDefault(r => r.RefundId == refundId) is { } found
                ? new PspOutcome.RefundCompleted(found)
                : new PspOutcome.NotFound(),
            cancellationToken);

    private static PspOutcome ParseIntent(JsonElement root) => new PspOutcome.Completed(PaymentIntent.Parse(root));

    private async Task<PspOutcome> SendAsync(
        string operation, HttpMethod method, string path, List<KeyValuePair<string, string>>? form, string? idempotencyKey,
        Func<JsonElement, PspOutcome> parse, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        PspOutcome outcome;
        try
        {
            using var response = await _pipeline.ExecuteAsync(
                async token =>
                {
                    // A fresh message per attempt (a sent one cannot be resent), same key every time.
                    using var message = new HttpRequestMessage(method, path);
                    if (form is not null)
                    {
                        message.Content = new FormUrlEncodedContent(form);
                    }

                    if (idempotencyKey is not null)
                    {
                        message.Headers.Add("Idempotency-Key", idempotencyKey);
                    }

                    return await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            outcome = Classify(response.StatusCode, body, parse);
        }
        catch (BrokenCircuitException)
        {
            outcome = new PspOutcome.Unavailable("circuit_open");
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
            || e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            // No connection was made, so no request reached the PSP: nothing can have been carried out.
            // (A connection dropped after the request was sent is different: that is indeterminate.)
            outcome = new PspOutcome.Unavailable("connection_refused");
        }
        catch (HttpRequestException)
        {
            outcome = new PspOutcome.Indeterminate("connection_error", KeySettled: false);
        }
        catch (TimeoutRejectedException)
        {
            outcome = new PspOutcome.Indeterminate("timeout", KeySettled: false);
        }
        catch (IOException)
        {
            outcome = new PspOutcome.Indeterminate("connection_error", KeySettled: false);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // An answer we cannot read tells us nothing about what was carried out.
            outcome = new PspOutcome.Indeterminate("unreadable_answer", KeySettled: false);
        }

        var tags = new TagList { { "operation", operation }, { "outcome", OutcomeName(outcome) } };
        _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        _outcomes.Add(1, tags);
        return outcome;
    }

    private static PspOutcome Classify(HttpStatusCode status, string body, Func<JsonElement, PspOutcome> parse)
    {
        switch ((int)status)
        {
            case 200:
                using (var document = JsonDocument.Parse(body))
                {
                    return parse(document.RootElement);
                }

            case 402:
                using (var document = JsonDocument.Parse(body))
                {
                    var error = document.RootElement.GetProperty("error");
                    var intent = error.TryGetProperty("payment_intent", out var pi) && pi.ValueKind == JsonValueKind.Object ? PaymentIntent.Parse(pi) : null;
                    var code = StringOf(error, "decline_code") ?? StringOf(error, "code") ?? "card_declined";
                    return new PspOutcome.Declined(intent, code, StringOf(error, "message") ?? "The card was declined.");
                }

            case 404:
                return new PspOutcome.NotFound();

            case 400:
                using (var document = JsonDocument.Parse(body))
                {
                    var error = document.RootElement.GetProperty("error");
                    var type = StringOf(error, "type") ?? "invalid_request_error";

                    // The key was used with other parameters: something under it may have run.
                    return type == "idempotency_error"
                        ? new PspOutcome.Indeterminate("idempotency_error", KeySettled: false)
                        : new PspOutcome.Refused(400, type, StringOf(error, "code"), StringOf(error, "message") ?? "Refused by the PSP.");
                }

            case 409:
                return new PspOutcome.Indeterminate("idempotency_key_in_use", KeySettled: false);

            case 429:
                return new PspOutcome.Unavailable("rate_limited");

            case 401 or 403:
                // Our key is wrong: a configuration fault, never the charge's fault.
                return new PspOutcome.Unavailable("psp_authentication");

            case 503:
                return new PspOutcome.Unavailable("psp_503");

            case 500:
                // Stripe saves a 500 under the key; the key will never execute again.
                return new PspOutcome.Indeterminate("psp_500", KeySettled: true);

            default:
                return (int)status >= 500
                    ? new PspOutcome.Indeterminate($"psp_{(int)status}", KeySettled: false)
                    : new PspOutcome.Refused((int)status, "unexpected_status", null, $"Unexpected PSP status {(int)status}.");
        }
    }

    private static string? StringOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string OutcomeName(PspOutcome outcome) => outcome switch
    {
        PspOutcome.Completed or PspOutcome.RefundCompleted => "completed",
        PspOutcome.Declined => "declined",
        PspOutcome.Refused => "refused",
        PspOutcome.Indeterminate i => i.Reason,
        PspOutcome.Unavailable u => u.Reason,
        PspOutcome.NotFound => "not_found",
        _ => "other",
    };
}
