using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Payments.Pipeline.Observability;

namespace Payments.Pipeline.Charges;

/// <summary>
/// Group commit of intent rows: requests that arrive together share one statement and one
/// transaction, so the cost of a durable commit (the first wall on these machines) is
/// shared. No timer: while one batch commits, the next one gathers, so a lone request is
/// committed at once and a crowd is committed in batches. Each request is answered only
/// after the transaction holding its own row has committed.
/// </summary>
public sealed partial class IntentBatcher : BackgroundService
{
    private readonly ChargeStore _store;
    private readonly ChargeOptions _options;
    private readonly ILogger<IntentBatcher> _logger;
    private readonly Channel<Submission> _queue;
    private readonly Histogram<long> _batchSize;

    public IntentBatcher(ChargeStore store, IOptions<ChargeOptions> options, PaymentsMetrics metrics, ILogger<IntentBatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _store = store;
        _options = options.Value;
        _logger = logger;

        // Bounded: when the database cannot keep up, requests are refused with 503 (nothing
        // recorded, safe to retry) instead of piling up in memory. Many request threads write;
        // IntentWriters loops read.
        _queue = Channel.CreateBounded<Submission>(new BoundedChannelOptions(_options.IntentQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = _options.IntentWriters == 1,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
        _batchSize = metrics.Meter.CreateHistogram<long>(
            "payments.intents.batch_size", description: "Intents per group commit.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] });
    }

    private sealed record Submission(string ChargeId, string EventId, ChargeIntent Intent, TaskCompletionSource<InsertedIntent> Done);

    /// <summary>
    /// Records the intent durably. Null when the queue is full (overloaded); throws when the
    /// database refused the write (nothing recorded either way).
    /// </summary>
    public Task<InsertedIntent>? TrySubmit(string chargeId, ChargeIntent intent)
    {
        var submission = new Submission(chargeId, Ids.NewEventId(), intent, new TaskCompletionSource<InsertedIntent>(TaskCreationOptions.RunContinuationsAsynchronously));
        return _queue.Writer.TryWrite(submission) ? submission.Done.Task : null;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, _options.IntentWriters).Select(_ => WriteLoopAsync(stoppingToken)));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Requests already queued are still committed and answered; new ones are refused.
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteLoopAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        var batch = new List<Submission>(_options.MaxIntentBatch);

        // Not bound to stoppingToken: a queued request is committed and answered even during
        // shutdown (the channel completes, the loop drains what is left and ends).
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _options.MaxIntentBatch && reader.TryRead(out var submission))
            {
                batch.Add(submission);
            }

            if (batch.Count > 0)
            {
                await CommitAsync(batch).ConfigureAwait(false);
            }
        }
    }

    private async Task CommitAsync(List<Submission> batch)
    {
        _batchSize.Record(batch.Count);
        try
        {
            var results = await _store.InsertIntentsAsync([.. batch.Select(s => (s.ChargeId, s.EventId, s.Intent))], _options.RecoveryThreshold).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(results[i]);
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException && batch.Count > 1)
        {
            // One bad row (or a deadlock between two batches) must not fail its neighbours:
            // the batch was rolled back as a whole, so each intent gets its own transaction.
            Log.IntentBatchRetriedSingly(_logger, batch.Count, e);
            foreach (var submission in batch)
            {
                await CommitAsync([submission]).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            foreach (var submission in batch)
            {
                submission.Done.TrySetException(e);
            }
        }
    }
}
