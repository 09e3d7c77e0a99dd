using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Payments.Load.Arrivals;
using Payments.Load.Http;

namespace Payments.Load.Running;

internal sealed partial class LoadRun
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private async Task ArriveAsync(Arrival arrival, CancellationToken cancellationToken)
    {
        try
        {
            var scheduled = ScheduledTicks(arrival.Number);
            var measured = arrival.Number >= options.WarmupArrivals;
            var body = _template.BodyOf(arrival.Request);
            var key = _template.KeyOf(arrival.Request);
            var amount = ChargeRequestTemplate.AmountOf(arrival.Request);
            var probe = arrival.Kind != ArrivalKind.Retry && measured && IsSampled(arrival.Request);
            if (arrival.Kind == ArrivalKind.ConcurrentDuplicate)
            {
                await Task.WhenAll(
                    SendAsync(body, key, amount, scheduled, measured, probe, cancellationToken),
                    SendAsync(body, key, amount, scheduled, measured, probe: false, cancellationToken));
            }
            else
            {
                await SendAsync(body, key, amount, scheduled, measured, probe, cancellationToken);
            }
        }
        finally
        {
            if (Interlocked.Decrement(ref _outstanding) == 0)
            {
                _allAnswered.TrySetResult();
            }
        }
    }

    private async Task SendAsync(byte[] body, string key, long amount, long scheduled, bool measured, bool probe, CancellationToken cancellationToken)
    {
        var waitMs = options.MaxSendWaitMs > 0
            ? Math.Max(0, options.MaxSendWaitMs - (MicrosecondsSince(scheduled) / 1_000))
            : options.RequestTimeoutSeconds * 1_000L;
        if (!await _connections.WaitAsync(TimeSpan.FromMilliseconds(waitMs), cancellationToken))
        {
            Interlocked.Increment(ref _dropped);
            Count(measured, "dropped: runner backlog (never sent)");
            return;
        }

        try
        {
            await SendOnConnectionAsync(body, key, amount, scheduled, measured, probe, cancellationToken);
        }
        finally
        {
            _connections.Release();
        }
    }

    private async Task SendOnConnectionAsync(byte[] body, string key, long amount, long scheduled, bool measured, bool probe, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _httpRequests);
        var inFlight = Interlocked.Increment(ref _inFlight);
        RaiseMax(ref _maxInFlightThisSecond, inFlight);
        RaiseMax(ref _maxInFlight, inFlight);
        if (measured)
        {
            _sendLag.Record(MicrosecondsSince(scheduled));
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _charges) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = Json;
            request.Headers.TryAddWithoutValidation("Authorization", _authorization);
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
            if (options.RespondAsync)
            {
                request.Headers.TryAddWithoutValidation("Prefer", "respond-async");
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var latency = MicrosecondsSince(scheduled);
            Interlocked.Increment(ref _answered);
            var answer = ChargeAnswerParser.Parse(bytes);
            var status = (int)response.StatusCode;
            if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted or HttpStatusCode.OK && answer.Id is not null)
            {
                Interlocked.Increment(ref _accepted);
                ledger.Accept(key, answer.Id, amount);
                Volatile.Read(ref _acceptThisSecond).Record(latency);
                if (measured)
                {
                    _accept.Record(latency);
                }

                Count(measured, status.ToString(CultureInfo.InvariantCulture));

                if (probe)
                {
                    StartProbe(answer, scheduled, latency, cancellationToken);
                }

                return;
            }

            // A refusal is not a charge: counted by its stable code, not in the accept latency.
            Interlocked.Increment(ref _errors);
            Interlocked.Increment(ref _refused);
            Count(measured, string.Create(CultureInfo.InvariantCulture, $"{status} {answer.ProblemCode ?? "(no code)"}"));
        }
        catch (HttpRequestException e)
        {
            Interlocked.Increment(ref _errors);
            Count(measured, "error " + e.HttpRequestError);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _errors);
            Count(measured, "error timeout");
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private void Count(bool measured, string outcome) => _outcomes.Add(measured ? outcome : "warm-up " + outcome);

    /// <summary>An even spread of the requests by number, the same in every run with the same share.</summary>
    private bool IsSampled(long request) =>
        options.FinalSampleShare > 0 && (ulong)(request * 2_654_435_761L) % 1_000_000 < (ulong)(options.FinalSampleShare * 1_000_000);
}
