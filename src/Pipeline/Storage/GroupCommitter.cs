using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Prometheus;
using Payments.Pipeline.Observability;

namespace Payments.Pipeline.Storage;

/// <summary>
/// Group commit: items submitted together share one transaction, so the cost of a durable
/// commit (the first wall on these machines) is shared. No timer: while one batch commits,
/// the next one gathers, so a lone item is committed at once and a crowd in batches. Each
/// submitter is answered only after the transaction holding its own item committed. If the
/// database refused a batch (one bad row, a deadlock between two batches), it was rolled back
/// as a whole and each item is retried in a transaction of its own, so one item never fails its
/// neighbours. A batch whose commit is unknown (the connection broke under it) is never retried:
/// every submitter gets that failure, so none is told "nothing recorded" by a later attempt.
/// </summary>
internal sealed class GroupCommitter<TItem, TResult>
{
    private readonly Channel<(TItem Item, TaskCompletionSource<TResult> Done)> _queue;
    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> _commit;
    private readonly int _maxBatch;
    private readonly int _writers;
    private readonly string _name;
    private readonly Histogram _batchSize;
    private readonly ILogger _logger;

    public GroupCommitter(
        string name, int capacity, int maxBatch, int writers,
        Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> commit, PaymentsMetrics metrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _name = name;
        _maxBatch = maxBatch;
        _writers = writers;
        _commit = commit;
        _logger = logger;

        // Bounded: when the database cannot keep up, submitters are refused (and say so)
        // instead of piling up in memory. Many request or worker threads write; `writers` loops read.
        _queue = Channel.CreateBounded<(TItem, TaskCompletionSource<TResult>)>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = writers == 1,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
        _batchSize = metrics.Histogram($"payments_{name}_batch_size", $"Items per group commit of {name}.", [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
    }

    /// <summary>The committed result, or null when the queue is full (nothing will be written).</summary>
    public Task<TResult>? TrySubmit(TItem item)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queue.Writer.TryWrite((item, done)) ? done.Task : null;
    }

    /// <summary>
    /// The committed result, waiting for room in the queue first: for a caller that must record
    /// what it holds (a PSP answer) rather than be refused.
    /// </summary>
    public async Task<TResult> SubmitAsync(TItem item, CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync((item, done), cancellationToken).ConfigureAwait(false);
        return await done.Task.ConfigureAwait(false);
    }

    /// <summary>Runs the commit loops until <see cref="Complete"/> and the queue is drained.</summary>
    public Task RunAsync() => Task.WhenAll(Enumerable.Range(0, _writers).Select(_ => WriteLoopAsync()));

    /// <summary>Refuses new items; what is queued is still committed and answered.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<(TItem Item, TaskCompletionSource<TResult> Done)>(_maxBatch);

        // Not bound to a stopping token: a queued item is committed and answered even during
        // shutdown (the channel completes, the loop drains what is left and ends).
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _maxBatch && reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            if (batch.Count > 0)
            {
                await CommitAsync(batch).ConfigureAwait(false);
            }
        }
    }

    private async Task CommitAsync(List<(TItem Item, TaskCompletionSource<TResult> Done)> batch)
    {
        _batchSize.Observe(batch.Count);
        try
        {
            var results = await _commit([.. batch.Select(b => b.Item)], CancellationToken.None).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(results[i]);
            }
        }
        catch (Exception e) when (batch.Count > 1 && CommitFailure.NothingCommitted(e))
        {
            Log.GroupCommitRetriedSingly(_logger, _name, batch.Count, e);
            foreach (var entry in batch)
            {
                await CommitAsync([entry]).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            foreach (var entry in batch)
            {
                entry.Done.TrySetException(e);
            }
        }
    }
}
