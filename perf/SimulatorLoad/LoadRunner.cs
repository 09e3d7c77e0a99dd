using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace SimulatorLoad;

/// <summary>
/// An open-model load run: requests start at a constant arrival rate whatever the answers do, so a
/// slow simulator shows up as more requests in flight and longer latencies, never as a lower rate.
/// Every request creates an automatic-capture PaymentIntent with its own idempotency key.
/// </summary>
internal sealed class LoadRunner(LoadOptions options) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        // HTTP/1.1 holds one request per connection; beyond this many, requests wait in the client
        // (and the wait counts in their latency) rather than exhausting file descriptors.
        MaxConnectionsPerServer = options.MaxConnections,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(10),
    })
    {
        BaseAddress = options.Url,
        Timeout = TimeSpan.FromSeconds(30),
    };

    private readonly LatencyHistogram _latencies = new();
    private readonly ConcurrentDictionary<string, long> _outcomes = new(StringComparer.Ordinal);
    private long _inFlight;
    private long _maxInFlight;
    private long _started;

    public LatencyHistogram Latencies => _latencies;

    public IReadOnlyDictionary<string, long> Outcomes => _outcomes;

    public long MaxInFlight => Volatile.Read(ref _maxInFlight);

    public long Started => Volatile.Read(ref _started);

    public HttpClient Http => _http;

    public async Task<TimeSpan> RunAsync(CancellationToken cancellationToken = default)
    {
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        var pending = new List<Task>(options.Rate * options.DurationSeconds);
        var clock = Stopwatch.StartNew();
        var total = (long)options.Rate * options.DurationSeconds;

        // The pacing loop runs on its own thread so a busy thread pool cannot slow the arrival rate.
        var pacer = new Thread(() =>
        {
            while (_started < total && !cancellationToken.IsCancellationRequested)
            {
                var due = Math.Min(total, (long)(clock.Elapsed.TotalSeconds * options.Rate));
                while (_started < due)
                {
                    var number = _started++;
                    pending.Add(SendAsync(number, cancellationToken));
                }

                Thread.Sleep(1);
            }
        })
        {
            IsBackground = true,
            Name = "pacer",
        };
        pacer.Start();
        pacer.Join();
        var sendingTime = clock.Elapsed;

        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        drain.CancelAfter(TimeSpan.FromSeconds(options.DrainSeconds));
        try
        {
            await Task.WhenAll(pending).WaitAsync(drain.Token);
        }
        catch (TimeoutException)
        {
            Count("not finished after drain");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Count("not finished after drain");
        }

        return sendingTime;
    }

    public void Dispose() => _http.Dispose();

    private async Task SendAsync(long number, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var now = Interlocked.Increment(ref _inFlight);
        UpdateMax(now);
        var watch = Stopwatch.StartNew();
        try
        {
            var n = number.ToString(CultureInfo.InvariantCulture);
            using var content = new StringContent(
                "amount=4999&currency=usd&payment_method=pm_card_visa&confirm=true&metadata%5Bcharge_id%5D=ch_load_" + n + "&metadata%5Bmerchant_id%5D=m_load",
                Encoding.ASCII,
                "application/x-www-form-urlencoded");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/payment_intents") { Content = content };
            request.Headers.Add("Idempotency-Key", "load_" + n);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken))
            {
                await body.CopyToAsync(Stream.Null, cancellationToken);
            }

            _latencies.Record(watch.Elapsed);
            Count(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
        }
        catch (HttpRequestException exception)
        {
            Count("HttpRequestException: " + exception.HttpRequestError);
        }
        catch (TaskCanceledException)
        {
            Count("timeout");
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private void Count(string outcome) => _outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);

    private void UpdateMax(long now)
    {
        var max = Volatile.Read(ref _maxInFlight);
        while (now > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxInFlight, now, max);
            if (seen == max)
            {
                return;
            }

            max = seen;
        }
    }
}
