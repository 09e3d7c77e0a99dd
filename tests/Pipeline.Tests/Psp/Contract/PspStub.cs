using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Payments.Pipeline.Observability;
using Payments.Pipeline.Psp;
using WireMock;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Payments.Pipeline.Tests.Psp.Contract;

/// <summary>
/// A WireMock.Net server on 127.0.0.1 standing in for the PSP, and the real adapter pointed at it
/// with short retry waits, so each answer the contract allows (and a few it does not) is one stub away.
/// </summary>
internal sealed class PspStub : IDisposable
{
    public const string ApiKey = "sk_test_contract";

    /// <summary>
    /// A response header that makes the stub send the status, the headers (promising the whole body)
    /// and half the body, then drop the connection: a reset after the headers, which WireMock.Net's
    /// own faults (an empty or garbled body, both well framed) do not give.
    /// </summary>
    public const string DropAfterHeaders = "X-Stub-Drop-After-Headers";

    /// <summary>A response header that makes the stub drop the connection without answering, once it has read the request.</summary>
    public const string DropBeforeHeaders = "X-Stub-Drop-Before-Headers";

    private readonly HttpClient _http = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2) });

    public PspStub(Action<PspOptions>? configure = null)
    {
        Server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{FreeLoopbackPort()}"],
            Logger = new WireMockNullLogger(),
            PreWireMockMiddlewareInit = app => ((IApplicationBuilder)app).Use(DropWhenAskedAsync),
        });
        Options = new PspOptions
        {
            BaseUrl = Server.Url!,
            ApiKey = ApiKey,
            WebhookSecret = "whsec_contract",
            // Generous, so a loaded machine's slow first answer is not taken for a timeout; the timeout cases set their own.
            AttemptTimeout = TimeSpan.FromSeconds(5),
            MaxRetries = 2,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            BreakMinimumThroughput = 100,
        };
        configure?.Invoke(Options);
        Client = new PspClient(_http, Microsoft.Extensions.Options.Options.Create(Options), TimeProvider.System, new PaymentsMetrics());

        // One request the tests do not look at opens the connection and warms the stub's request path,
        // so the first timed answer of a test is not the server's cold start.
        using var warmUp = _http.GetAsync(new Uri(Server.Url + "/warm-up")).GetAwaiter().GetResult();
    }

    public WireMockServer Server { get; }

    public PspOptions Options { get; }

    public PspClient Client { get; }

    /// <summary>Every request the stub received for <paramref name="path"/>, oldest first.</summary>
    public IReadOnlyList<IRequestMessage> Received(string method, string path) =>
        [.. Server.LogEntries.Select(e => e.RequestMessage).Where(r => r.Method == method && r.Path == path).OrderBy(r => r.DateTime)];

    /// <summary>The status code the stub answered each request to <paramref name="path"/> with, oldest first.</summary>
    public IReadOnlyList<int> Answered(string method, string path) =>
        [.. Server.LogEntries.Where(e => e.RequestMessage.Method == method && e.RequestMessage.Path == path)
            .OrderBy(e => e.RequestMessage.DateTime).Select(e => Convert.ToInt32(e.ResponseMessage.StatusCode, CultureInfo.InvariantCulture))];

    /// <summary>The Idempotency-Key of each request to <paramref name="path"/>, oldest first (null where none was sent).</summary>
    public IReadOnlyList<string?> IdempotencyKeys(string method, string path) => [.. Received(method, path).Select(r => Header(r, "Idempotency-Key"))];

    /// <summary>Answers every request to <paramref name="path"/> with <paramref name="response"/>.</summary>
    public void Always(string method, string path, IResponseBuilder response) =>
        Server.Given(Request.Create().WithPath(path).UsingMethod(method)).RespondWith(response);

    /// <summary>Answers the requests to <paramref name="path"/> with <paramref name="responses"/> in order, the last one for every request after.</summary>
    public void InTurn(string method, string path, params IResponseBuilder[] responses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(responses.Length, 2);
        var scenario = $"{method} {path}";
        for (var i = 0; i < responses.Length; i++)
        {
            var mapping = Server.Given(Request.Create().WithPath(path).UsingMethod(method)).InScenario(scenario);
            if (i > 0)
            {
                mapping = mapping.WhenStateIs(i.ToString(CultureInfo.InvariantCulture));
            }

            // The last answer keeps its state (a mapping without a next state would restart the scenario).
            mapping = mapping.WillSetStateTo(Math.Min(i + 1, responses.Length - 1));

            mapping.RespondWith(responses[i]);
        }
    }

    /// <summary>Wraps WireMock's middleware: its answer is held back, then sent whole, or cut before or after the headers when it asks for it.</summary>
    private static async Task DropWhenAskedAsync(HttpContext context, RequestDelegate next)
    {
        var body = context.Response.Body;
        using var held = new MemoryStream();
        context.Response.Body = held;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = body;
        }

        if (context.Response.Headers.Remove(DropBeforeHeaders))
        {
            context.Abort();
            return;
        }

        if (context.Response.Headers.Remove(DropAfterHeaders))
        {
            context.Response.ContentLength = held.Length;
            await body.WriteAsync(held.GetBuffer().AsMemory(0, (int)(held.Length / 2)));
            await body.FlushAsync();
            context.Abort();
            return;
        }

        held.Position = 0;
        await held.CopyToAsync(body);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string? Header(IRequestMessage request, string name) =>
        request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    public static Dictionary<string, string> Form(IRequestMessage request) =>
        QueryHelpers.ParseQuery(request.Body ?? "").ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);

    public static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);

    public static string PaymentIntent(
        string id = "pi_1", string chargeId = "ch_1", string status = "succeeded", long amount = 4999, string currency = "usd",
        long amountCapturable = 0, long? amountReceived = null, string lastPaymentError = "null") =>
        $$"""
        { "id": "{{id}}", "object": "payment_intent", "amount": {{amount}}, "currency": "{{currency}}", "status": "{{status}}",
          "capture_method": "automatic", "amount_capturable": {{amountCapturable}}, "amount_received": {{amountReceived ?? (status == "succeeded" ? amount : 0)}},
          "latest_charge": "py_1", "metadata": { "charge_id": "{{chargeId}}", "merchant_id": "m_1" },
          "last_payment_error": {{lastPaymentError}}, "created": 1763712000 }
        """;

    public static string Refund(string id = "re_1", string refundId = "rf_1", string paymentIntent = "pi_1", long amount = 1000, string status = "succeeded") =>
        $$"""
        { "id": "{{id}}", "object": "refund", "amount": {{amount}}, "payment_intent": "{{paymentIntent}}",
          "status": "{{status}}", "metadata": { "refund_id": "{{refundId}}" }, "created": 1763712000 }
        """;

    public static string Payout(string id = "po_1", string payoutId = "pay_1", long amount = 120000, string destination = "ba_ok", string status = "pending") =>
        $$"""
        { "id": "{{id}}", "object": "payout", "amount": {{amount}}, "currency": "usd", "destination": "{{destination}}",
          "status": "{{status}}", "failure_code": null, "arrival_date": 1763884800, "metadata": { "payout_id": "{{payoutId}}" }, "created": 1763712000 }
        """;

    public static string Error(string type, string? code = null, string message = "No.") =>
        $$"""{ "error": { "type": "{{type}}", "code": {{(code is null ? "null" : $"\"{code}\"")}}, "message": "{{message}}" } }""";

    public void Dispose()
    {
        Server.Stop();
        Server.Dispose();
        _http.Dispose();
    }
}
