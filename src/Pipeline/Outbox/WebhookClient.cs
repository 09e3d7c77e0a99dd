using System.Net.Http.Headers;
using System.Text;

namespace Payments.Pipeline.Outbox;

/// <summary>
/// Outbound webhook POSTs: the event's bytes, signed, with a timeout on every request. Only
/// the status line is awaited; the body of the answer is never read.
/// </summary>
internal sealed class WebhookClient(HttpClient http, TimeProvider clock)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    /// <summary>The status code the endpoint answered; throws on timeout or a failed (or refused) connection.</summary>
    public async Task<int> SendAsync(ClaimedDelivery delivery, string secret, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var body = Encoding.UTF8.GetBytes(delivery.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = Json;
        request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Compute(secret, clock.GetUtcNow().ToUnixTimeSeconds(), body));
        request.Headers.TryAddWithoutValidation("Payments-Event-Id", delivery.EventId);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            return (int)response.StatusCode;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No answer within {timeout.TotalSeconds:0.###} s.", e);
        }
    }
}
