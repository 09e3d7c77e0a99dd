using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using PspSimulator.Events;

namespace PspSimulator.Webhooks;

/// <summary>
/// Posts one signed event to one of the endpoint's URLs (<see cref="WebhookEndpoint.UrlFor"/> of
/// <c>choice</c>); a non-2xx answer, a refused or reset connection or a timeout is a failed attempt.
/// </summary>
internal sealed class WebhookClient(
    WebhookEndpointHolder endpoints,
    TimeProvider time,
    IOptions<WebhookDeliveryOptions> options,
    ILogger<WebhookClient> logger) : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private readonly TimeSpan _attemptTimeout = TimeSpan.FromMilliseconds(options.Value.AttemptTimeoutMs);

    public async Task<DeliveryResult> DeliverAsync(StoredEvent stored, ulong choice, CancellationToken cancellationToken = default)
    {
        // Read per attempt: a URL list changed meanwhile applies from the next attempt on.
        var endpoint = endpoints.Current;
        if (endpoint.Urls.Count == 0)
        {
            return DeliveryResult.NoEndpoint;
        }

        var body = EventJson.ToBytes(stored);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.UrlFor(choice)) { Content = content };

        // The signature's t is real time: the receiver checks its age against its own clock.
        var signature = WebhookSigner.Header(body, time.GetUtcNow().ToUnixTimeSeconds(), endpoint.Secrets);
        request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        request.Headers.TryAddWithoutValidation("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks) PspSimulator");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_attemptTimeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return DeliveryResult.Delivered;
            }

            Log.WebhookRejected(logger, stored.Id, (int)response.StatusCode);
            return DeliveryResult.Failed;
        }
        catch (HttpRequestException exception)
        {
            Log.WebhookUnreachable(logger, stored.Id, exception.Message);
            return DeliveryResult.Failed;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log.WebhookTimedOut(logger, stored.Id);
            return DeliveryResult.Failed;
        }
    }

    public void Dispose() => _http.Dispose();
}
