using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Payments.Ingress.Tests.Outbox;

/// <summary>
/// Merchant webhook endpoints on a loopback port (<c>/hooks/{name}</c>): every request's
/// <c>Payments-Signature</c> is verified against the secret of its endpoint, and everything
/// that arrives is recorded, raw, in arrival order. How each endpoint answers can change
/// while a test runs (200, 500, a redirect to <see cref="RedirectTarget"/>, or no answer at all).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _secrets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<Answer>> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Arrival> _arrivals = new();
    private long _count;

    private WebhookReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _app = builder.Build();
        _app.MapPost("/hooks/{name}", ReceiveAsync);
    }

    public enum Answer
    {
        Ok,
        ServerError,
        NoAnswer,

        /// <summary>307 to the endpoint's <see cref="RedirectTarget"/>, which records what arrives like any endpoint.</summary>
        Redirect,
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver._app.StartAsync();
        return receiver;
    }

    public string UrlFor(string name) => $"{_app.Urls.First()}/hooks/{name}";

    public static string RedirectTarget(string name) => name + "-redirected";

    /// <summary>The secret the service returned for the endpoint; requests are verified with it.</summary>
    public void SetSecret(string name, string secret) => _secrets[name] = secret;

    public void SetAnswer(string name, Func<Answer> answer) => _answers[name] = answer;

    public void SetAnswer(string name, Answer answer) => _answers[name] = () => answer;

    public IReadOnlyList<Arrival> Arrivals(string name) => [.. _arrivals.Where(a => a.Endpoint == name).OrderBy(a => a.Number)];

    public IReadOnlyList<Arrival> All => [.. _arrivals.OrderBy(a => a.Number)];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync(string name, HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var body = buffer.ToArray();
        var signature = http.Request.Headers["Payments-Signature"].ToString();
        var valid = _secrets.TryGetValue(name, out var secret) && IsValid(signature, body, secret);
        var answer = _answers.TryGetValue(name, out var decide) ? decide() : Answer.Ok;
        var number = Interlocked.Increment(ref _count);
        string? eventId = null, chargeId = null;
        var sequence = 0;
        try
        {
            var node = JsonNode.Parse(body)!;
            eventId = (string?)node["id"];
            chargeId = (string?)node["charge_id"];
            sequence = (int?)node["sequence"] ?? 0;
        }
        catch (System.Text.Json.JsonException)
        {
            // Recorded with no ids; the test finds it as an arrival that is not an event.
        }

        _arrivals.Enqueue(new Arrival(number, name, body, eventId, chargeId, sequence, valid, answer, DateTimeOffset.UtcNow));
        switch (answer)
        {
            case Answer.ServerError:
                return Results.StatusCode(StatusCodes.Status500InternalServerError);
            case Answer.Redirect:
                return Results.Redirect(UrlFor(RedirectTarget(name)), permanent: false, preserveMethod: true);
            case Answer.NoAnswer:
                // Hold the request open until the sender gives up.
                await Task.Delay(Timeout.InfiniteTimeSpan, http.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return Results.StatusCode(StatusCodes.Status504GatewayTimeout);
            default:
                return Results.Ok();
        }
    }

    /// <summary><c>t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256("&lt;t&gt;.&lt;body&gt;")&gt;</c>, keyed with the secret's UTF-8 bytes, at most 5 minutes old.</summary>
    public static bool IsValid(string header, byte[] body, string secret)
    {
        string? t = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(','))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2)
            {
                return false;
            }

            if (pair[0] == "t")
            {
                t = pair[1];
            }
            else if (pair[0] == "v1")
            {
                signatures.Add(pair[1]);
            }
        }

        if (t is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var unix)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - unix) > 300)
        {
            return false;
        }

        var signed = Encoding.ASCII.GetBytes(t + ".").Concat(body).ToArray();
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
        return signatures.Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), Encoding.ASCII.GetBytes(expected)));
    }

    /// <summary>One request as it arrived.</summary>
    public sealed record Arrival(
        long Number, string Endpoint, byte[] Body, string? EventId, string? ChargeId, int Sequence, bool SignatureValid, Answer Answered, DateTimeOffset At)
    {
        public string Text => Encoding.UTF8.GetString(Body);
    }
}
