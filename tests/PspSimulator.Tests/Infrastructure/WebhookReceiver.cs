using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PspSimulator.Tests.Infrastructure;

/// <summary>A webhook endpoint on a loopback port that records every delivery, raw, in arrival order.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Delivery> _deliveries = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _arrivals;

    private WebhookReceiver(Func<int, int> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _app = builder.Build();
        _app.MapPost("/webhooks", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            var number = (int)Interlocked.Increment(ref _arrivals);
            var status = answer(number);
            _deliveries.Enqueue(new Delivery(number, _clock.Elapsed, http.Request.Headers["Stripe-Signature"].ToString(), body.ToArray(), status));
            return Results.StatusCode(status);
        });
    }

    public Uri Url => new(_app.Urls.First() + "/webhooks");

    public IReadOnlyList<Delivery> Deliveries => _deliveries.OrderBy(d => d.Number).ToList();

    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Starts a receiver; <paramref name="answer"/> maps the arrival number (from 1) to the status to answer.</summary>
    public static async Task<WebhookReceiver> StartAsync(Func<int, int>? answer = null)
    {
        var receiver = new WebhookReceiver(answer ?? (_ => 200));
        await receiver._app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>One delivery as it arrived.</summary>
    public sealed record Delivery(int Number, TimeSpan At, string Signature, byte[] Body, int AnsweredStatus)
    {
        public JsonNode Event => JsonNode.Parse(Body)!;

        public string EventId => Event["id"]!.GetValue<string>();

        public string Type => Event["type"]!.GetValue<string>();

        public string ObjectId => Event["data"]!["object"]!["id"]!.GetValue<string>();
    }
}
