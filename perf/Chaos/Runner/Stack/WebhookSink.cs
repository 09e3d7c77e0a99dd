using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Payments.Chaos.Stack;

/// <summary>
/// The merchant's webhook endpoint: records every delivery whose signature verifies, by event id,
/// with the object it is about and its sequence, so the verdict can check that every event was
/// delivered at least once and count the duplicates. A delivery with a bad signature is refused
/// and counted: the verdict treats any as a violation.
/// </summary>
internal sealed class WebhookSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ReceivedEvent> _events = new(StringComparer.Ordinal);
    private int _badSignatures;

    private WebhookSink(WebApplication app) => _app = app;

    public string Url => _app.Urls.First() + "/hooks";

    /// <summary>The signing secret the service returned when the endpoint was registered.</summary>
    public string? Secret { get; set; }

    public int BadSignatures => Volatile.Read(ref _badSignatures);

    public static async Task<WebhookSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var sink = new WebhookSink(app);
        app.MapPost("/hooks", sink.ReceiveAsync);
        await app.StartAsync().ConfigureAwait(false);
        return sink;
    }

    public bool TryGet(string eventId, out ReceivedEvent received) => _events.TryGetValue(eventId, out received!);

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync().ConfigureAwait(false);
        if (!Verifies(request.Headers["Payments-Signature"].ToString(), body))
        {
            Interlocked.Increment(ref _badSignatures);
            return Results.BadRequest();
        }

        var json = JsonNode.Parse(body)!.AsObject();
        var id = (string)json["id"]!;
        var objectId = (string?)json["charge_id"] ?? (string?)json["payout_id"] ?? "";
        var sequence = (int)json["sequence"]!;
        _events.AddOrUpdate(id, _ => new ReceivedEvent(objectId, sequence, 1), (_, seen) => seen with { Deliveries = seen.Deliveries + 1 });
        return Results.Ok();
    }

    private bool Verifies(string header, string body)
    {
        if (Secret is null)
        {
            return false;
        }

        string? timestamp = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(','))
        {
            var pair = part.Split('=', 2);
            if (pair is [ "t", var t ])
            {
                timestamp = t;
            }
            else if (pair is [ "v1", var v ])
            {
                signatures.Add(v);
            }
        }

        if (timestamp is null)
        {
            return false;
        }

        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        return signatures.Contains(expected, StringComparer.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>One event as the endpoint saw it: the object it is about, its sequence, how often it came.</summary>
internal sealed record ReceivedEvent(string ObjectId, int Sequence, int Deliveries);
