using System.Collections.Concurrent;
using System.Diagnostics;
using Payments.Load.Http;

namespace Payments.Load.Running;

internal sealed partial class LoadRun
{
    private readonly ConcurrentBag<Task> _probes = [];

    /// <summary>
    /// Time to final for a sample: an answer that is already final counts as it is; a pending one
    /// is polled with <c>GET /v1/charges/{id}</c> until final, up to the run's final bound. The
    /// time is measured from the scheduled send, with the poll interval as its resolution.
    /// </summary>
    private void StartProbe(ChargeAnswer answer, long scheduled, long acceptMicroseconds, CancellationToken cancellationToken)
    {
        if (answer.IsFinal)
        {
            _timeToFinal.Record(acceptMicroseconds);
            return;
        }

        _probes.Add(PollUntilFinalAsync(answer.Id!, scheduled, cancellationToken));
    }

    private async Task PollUntilFinalAsync(string chargeId, long scheduled, CancellationToken cancellationToken)
    {
        var deadline = ScheduledTicks(options.TotalArrivals) + (options.FinalBoundSeconds * Stopwatch.Frequency);
        var uri = new Uri(_charges, "/v1/charges/" + Uri.EscapeDataString(chargeId));
        Interlocked.Increment(ref _polling);
        try
        {
            while (_clock.ElapsedTicks < deadline)
            {
                await Task.Delay(options.PollIntervalMs, cancellationToken);
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                    request.Headers.TryAddWithoutValidation("Authorization", _authorization);
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                    var answer = ChargeAnswerParser.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
                    if (response.IsSuccessStatusCode && answer.IsFinal)
                    {
                        _timeToFinal.Record(MicrosecondsSince(scheduled));
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // A failed poll is tried again at the next interval; the deadline bounds it.
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // A poll that timed out is tried again too.
                }
            }

            Interlocked.Increment(ref _sampledNotFinal);
        }
        finally
        {
            Interlocked.Decrement(ref _polling);
        }
    }
}
