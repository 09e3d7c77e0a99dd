using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Prometheus;
using Payments.Pipeline.Observability;

namespace Payments.Pipeline.Psp;

/// <summary>
/// The adapter for the Stripe-shaped PSP contract. Every POST carries an Idempotency-Key
/// derived from our own durable id and the operation (invariant 1), never minted per
/// attempt, so any retry, replay or recovery after a crash can only replay the first call.
/// </summary>
public sealed class PspClient
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly Histogram _duration;
    private readonly Counter _outcomes;

    public PspClient(HttpClient http, IOptions<PspOptions> options, TimeProvider timeProvider, PaymentsMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _http = http;
        _http.BaseAddress = new Uri(options.Value.BaseUrl.TrimEnd('/') + "/");
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.ApiKey);
        _http.Timeout = Timeout.InfiniteTimeSpan;
        var circuit = new CircuitBreakerStateProvider();
        _pipeline = PspResilience.Build(options.Value, timeProvider, circuit);
        // Half-open counts as open: the breaker still holds calls back while it tries one, and a
        // PSP that stays down goes open, half-open, open again, which must read as one outage.
        metrics.Gauge("payments_psp_circuit_open", "1 while the PSP circuit breaker holds calls back (open, or half-open trying one), 0 when closed.",
            () => circuit.CircuitState is CircuitState.Closed ? 0 : 1);
        _duration = metrics.Histogram(
            "payments_psp_call_duration_seconds", "PSP calls, retries included, by operation and outcome.", PaymentsMetrics.SecondsBuckets, "operation", "outcome");
        _outcomes = metrics.Counter("payments_psp_calls_total", "PSP calls by operation and outcome.", "operation", "outcome");
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
            root => FindRefund(root, paymentIntentId, refundId), cancellationToken);

    /// <summary>Pays <paramref name="destination"/> out of the platform's PSP balance, under the payout's own key.</summary>
    public Task<PspOutcome> CreatePayoutAsync(string payoutId, long amount, string currency, string destination, CancellationToken cancellationToken = default) =>
        SendAsync("payout", HttpMethod.Post, "v1/payouts",
            [
                new("amount", amount.ToString(CultureInfo.InvariantCulture)),
                new("currency", currency.ToLowerInvariant()),
                new("destination", destination),
                new("metadata[payout_id]", payoutId),
            ],
            IdempotencyKey(payoutId, "payout"), ParsePayout, cancellationToken);

    public Task<PspOutcome> GetPayoutAsync(string pspPayoutId, CancellationToken cancellationToken = default) =>
        SendAsync("retrieve_payout", HttpMethod.Get, $"v1/payouts/{Uri.EscapeDataString(pspPayoutId)}", null, null, ParsePayout, cancellationToken);

    /// <summary>Finds the Payout carrying <c>metadata[payout_id]</c>; its index may lag writes, as PaymentIntent search does.</summary>
    public Task<PspOutcome> SearchPayoutAsync(string payoutId, CancellationToken cancellationToken = default)
    {
        var query = Uri.EscapeDataString($"metadata['payout_id']:'{payoutId}'");
        return SendAsync("search_payouts", HttpMethod.Get, $"v1/payouts/search?query={query}", null, null,
            root => root.GetProperty("data") is { } data && data.GetArrayLength() > 0
                ? new PspOutcome.PayoutCompleted(PspPayout.Parse(data[0]))
                : new PspOutcome.NotFound(),
            cancellationToken);
    }

    /// <summary>
    /// One page of the PSP's event log, newest first: events created at or after
    /// <paramref name="createdGte"/> (the PSP's unix seconds), older than <paramref name="startingAfter"/>.
    /// </summary>
    public Task<PspOutcome> ListEventsAsync(long? createdGte, string? startingAfter, int limit, CancellationToken cancellationToken = default)
    {
        var query = new List<string> { "limit=" + limit.ToString(CultureInfo.InvariantCulture) };
        if (createdGte is { } gte)
        {
            query.Add("created%5Bgte%5D=" + gte.ToString(CultureInfo.InvariantCulture));
        }

        if (startingAfter is not null)
        {
            query.Add("starting_after=" + Uri.EscapeDataString(startingAfter));
        }

        return SendAsync("list_events", HttpMethod.Get, "v1/events?" + string.Join('&', query), null, null,
            root => new PspOutcome.EventsListed([.. root.GetProperty("data").EnumerateArray().Select(e => e.Clone())], root.GetProperty("has_more").GetBoolean()),
            cancellationToken);
    }

    /// <summary>Every refund of the PaymentIntent, ours and those made at the PSP directly (this list does not lag).</summary>
    public Task<PspOutcome> ListRefundsAsync(string paymentIntentId, CancellationToken cancellationToken = default) =>
        SendAsync("list_refunds", HttpMethod.Get, $"v1/refunds?payment_intent={Uri.EscapeDataString(paymentIntentId)}", null, null,
            root => new PspOutcome.RefundsListed([.. root.GetProperty("data").EnumerateArray().Select(PspRefund.Parse)]),
            cancellationToken);

    /// <summary>The PaymentIntent's disputes (at most one; this list does not lag).</summary>
    public Task<PspOutcome> ListDisputesAsync(string paymentIntentId, CancellationToken cancellationToken = default) =>
        SendAsync("list_disputes", HttpMethod.Get, $"v1/disputes?payment_intent={Uri.EscapeDataString(paymentIntentId)}", null, null,
            root => new PspOutcome.DisputesListed([.. root.GetProperty("data").EnumerateArray().Select(PspDispute.Parse)]),
            cancellationToken);

    /// <summary>One settlement day's report as the PSP serves it (CSV); <see cref="PspOutcome.NotFound"/> before the day is closed.</summary>
    public Task<PspOutcome> GetSettlementReportAsync(DateOnly date, CancellationToken cancellationToken = default) =>
        SendAsync("settlement_report", HttpMethod.Get, $"v1/settlement_reports/{date:yyyy-MM-dd}", null, null,
            root => throw new InvalidOperationException("The settlement report is text."), cancellationToken, raw: true);

    /// <summary>
    /// "Not found" ends a refund whose key is settled as failed, so only the list of this PaymentIntent
    /// may prove our refund absent: a list holding another PaymentIntent's refunds was not the one
    /// asked for and proves nothing.
    /// </summary>
    private static PspOutcome FindRefund(JsonElement list, string paymentIntentId, string refundId)
    {
        var refunds = list.GetProperty("data").EnumerateArray().Select(PspRefund.Parse).ToList();
        if (refunds.Exists(r => r.PaymentIntentId != paymentIntentId))
        {
            return new PspOutcome.Indeterminate("another_object", KeySettled: false);
        }

        return refunds.Find(r => r.RefundId == refundId) is { } found ? new PspOutcome.RefundCompleted(found) : new PspOutcome.NotFound();
    }

    private static PspOutcome ParseIntent(JsonElement root) => new PspOutcome.Completed(PaymentIntent.Parse(root));

    private static PspOutcome ParsePayout(JsonElement root) => new PspOutcome.PayoutCompleted(PspPayout.Parse(root));

    /// <summary>
    /// One call: its attempts go through the resilience pipeline, each a fresh message with the same
    /// key. What the last answer means depends on what came before it within the call: an attempt
    /// that may have reached the PSP (a timeout, a reset after sending, a 5xx, a key in use) turns
    /// every later answer that is not the PSP's own saved one into "read the truth".
    /// </summary>
    private async Task<PspOutcome> SendAsync(
        string operation, HttpMethod method, string path, List<KeyValuePair<string, string>>? form, string? idempotencyKey,
        Func<JsonElement, PspOutcome> parse, CancellationToken cancellationToken, bool raw = false)
    {
        var started = Stopwatch.GetTimestamp();
        var call = new CallHistory();
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

                    call.Starting();
                    try
                    {
                        return call.Answered(await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false));
                    }
                    catch (HttpRequestException e) when (IsConnectionRefused(e))
                    {
                        call.NotSent();
                        throw;
                    }
                },
                cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Contains("true", StringComparer.OrdinalIgnoreCase);
            outcome = raw && response.StatusCode == HttpStatusCode.OK
                ? new PspOutcome.TextRead(body)
                : Classify(response.StatusCode, body, parse, new AnswerContext(operation is "retrieve" or "retrieve_payout" or "settlement_report", replayed, call.EarlierMayHaveRun));
        }
        catch (BrokenCircuitException)
        {
            outcome = call.EarlierMayHaveRun ? new PspOutcome.Indeterminate("circuit_open", KeySettled: false) : new PspOutcome.Unavailable("circuit_open");
        }
        catch (HttpRequestException e) when (IsConnectionRefused(e))
        {
            // No connection was made, so this attempt reached nothing. (A connection dropped after
            // the request was sent is different: that is indeterminate.)
            outcome = call.EarlierMayHaveRun ? new PspOutcome.Indeterminate("connection_refused", KeySettled: false) : new PspOutcome.Unavailable("connection_refused");
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

        var outcomeName = OutcomeName(outcome);
        _duration.WithLabels(operation, outcomeName).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        _outcomes.WithLabels(operation, outcomeName).Inc();
        return outcome;
    }

    private static bool IsConnectionRefused(HttpRequestException e) =>
        e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
        || e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };

    /// <summary>
    /// From HTTP answer to what we may conclude (invariant 3). Only the PSP's own answers settle
    /// anything: a saved answer (<c>Idempotent-Replayed: true</c>) is the first execution's, and
    /// settles the key; any other 500 may come from a gateway while the first request still runs.
    /// A refusal proves nothing ran only when no earlier attempt of the step may have run.
    /// </summary>
    internal static PspOutcome Classify(HttpStatusCode status, string body, Func<JsonElement, PspOutcome> parse, AnswerContext answer)
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

            case 404 when answer.ReadOfOneObject:
                // The object does not exist. (A 404 to a POST or a list cannot be the PSP's: below.)
                return new PspOutcome.NotFound();

            case 400:
                using (var document = JsonDocument.Parse(body))
                {
                    var error = document.RootElement.GetProperty("error");
                    var type = StringOf(error, "type") ?? "invalid_request_error";

                    // The key was used with other parameters: something under it may have run.
                    if (type == "idempotency_error")
                    {
                        return new PspOutcome.Indeterminate("idempotency_error", KeySettled: false);
                    }

                    return answer.ProvesNothingRan
                        ? new PspOutcome.Refused(400, type, StringOf(error, "code"), StringOf(error, "message") ?? "Refused by the PSP.") { Saved = answer.Replayed }
                        : new PspOutcome.Indeterminate("refused_on_replay", KeySettled: false);
                }

            case 409:
                return new PspOutcome.Indeterminate("idempotency_key_in_use", KeySettled: false);

            case 429 or 503:
                // Refused before anything ran; but an earlier attempt of this call may have run.
                return answer.EarlierMayHaveRun
                    ? new PspOutcome.Indeterminate($"psp_{(int)status}", KeySettled: false)
                    : new PspOutcome.Unavailable(status == HttpStatusCode.TooManyRequests ? "rate_limited" : "psp_503");

            case 401 or 403:
                // Our key is wrong: a configuration fault, never the charge's fault.
                return answer.EarlierMayHaveRun
                    ? new PspOutcome.Indeterminate("psp_authentication", KeySettled: false)
                    : new PspOutcome.Unavailable("psp_authentication");

            case 500:
                // Only a saved 500 proves the key can never run again.
                return new PspOutcome.Indeterminate("psp_500", KeySettled: answer.Replayed);

            default:
                // 5xx, and answers the contract does not have (a proxy's 408, a misrouted 404):
                // they prove nothing either way.
                return new PspOutcome.Indeterminate($"psp_{(int)status}", KeySettled: false);
        }
    }

    /// <summary>What the answer's call knew when it came.</summary>
    internal readonly record struct AnswerContext(bool ReadOfOneObject, bool Replayed, bool EarlierMayHaveRun)
    {
        /// <summary>A refusal is definite when it is the saved answer, or when nothing sent before it may have run.</summary>
        public bool ProvesNothingRan => Replayed || !EarlierMayHaveRun;
    }

    /// <summary>Whether an attempt of this call, before the current one, may have reached the PSP and run.</summary>
    private sealed class CallHistory
    {
        private bool _current;

        public bool EarlierMayHaveRun { get; private set; }

        public void Starting()
        {
            // The attempt before this one ended without an answer that proves it did not run.
            EarlierMayHaveRun |= _current;
            _current = true;
        }

        /// <summary>No connection was made: this attempt reached nothing, so it cannot make a later answer doubtful.</summary>
        public void NotSent() => _current = false;

        public HttpResponseMessage Answered(HttpResponseMessage response)
        {
            // 429 and 503 are refusals before anything runs; every other answer that is retried
            // (500, 502, 504, 409 key in use) may follow or accompany an execution.
            _current = response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable);
            return response;
        }
    }

    private static string? StringOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string OutcomeName(PspOutcome outcome) => outcome switch
    {
        PspOutcome.Completed or PspOutcome.RefundCompleted or PspOutcome.PayoutCompleted or PspOutcome.RefundsListed or PspOutcome.DisputesListed or PspOutcome.EventsListed or PspOutcome.TextRead => "completed",
        PspOutcome.Declined => "declined",
        PspOutcome.Refused => "refused",
        PspOutcome.Indeterminate i => i.Reason,
        PspOutcome.Unavailable u => u.Reason,
        PspOutcome.NotFound => "not_found",
        _ => "other",
    };
}
