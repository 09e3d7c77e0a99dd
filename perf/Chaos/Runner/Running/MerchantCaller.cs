using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Payments.Chaos.Stack;

namespace Payments.Chaos.Running;

/// <summary>
/// The merchant's checkout as a careful client: every POST keeps its Idempotency-Key across
/// retries, and a request that got no answer, a 5xx or a 429 is retried on the other instance
/// (its first choice may be the one just killed), up to six attempts over about five seconds.
/// </summary>
internal sealed class MerchantCaller : IDisposable
{
    private const int Attempts = 6;
    private readonly ChaosStack _stack;
    private readonly HttpClient[] _merchant;
    private readonly HttpClient[] _operator;

    public MerchantCaller(ChaosStack stack)
    {
        _stack = stack;
        _merchant = [stack.MerchantClient(0), stack.MerchantClient(1)];
        _operator = [stack.OperatorClient(0), stack.OperatorClient(1)];
    }

    public int Requests { get; private set; }

    public Task<Answer> PostAsync(int instance, string path, JsonObject body, string key, bool respondAsync = false) =>
        SendAsync(_merchant, instance, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            if (respondAsync)
            {
                request.Headers.Add("Prefer", "respond-async");
            }

            return request;
        });

    public Task<Answer> GetAsync(int instance, string path) =>
        SendAsync(_merchant, instance, () => new HttpRequestMessage(HttpMethod.Get, path));

    public Task<Answer> OperatorPostAsync(string path, JsonObject body, string key) =>
        SendAsync(_operator, 0, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            return request;
        });

    public Task<Answer> OperatorGetAsync(string path) =>
        SendAsync(_operator, 0, () => new HttpRequestMessage(HttpMethod.Get, path));

    public void Dispose()
    {
        foreach (var client in _merchant.Concat(_operator))
        {
            client.Dispose();
        }
    }

    private async Task<Answer> SendAsync(HttpClient[] clients, int instance, Func<HttpRequestMessage> make)
    {
        var last = new Answer(0, null);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var target = (instance + attempt) % clients.Length;
            if (!_stack.Instances[target].Running)
            {
                target = (target + 1) % clients.Length;
            }

            Requests++;
            try
            {
                using var request = make();
                using var response = await clients[target].SendAsync(request).ConfigureAwait(false);
                var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                last = new Answer((int)response.StatusCode, text.StartsWith('{') ? JsonNode.Parse(text)?.AsObject() : null);
                if (last.Status is not (>= 500 or 429))
                {
                    return last;
                }
            }
            catch (HttpRequestException)
            {
                last = new Answer(0, null);
            }
            catch (TaskCanceledException)
            {
                last = new Answer(0, null);
            }

            await Task.Delay(150 * (attempt + 1)).ConfigureAwait(false);
        }

        return last;
    }
}
