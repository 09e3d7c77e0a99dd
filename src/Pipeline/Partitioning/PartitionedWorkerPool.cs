using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;
using Payments.Pipeline.Hosting;
using Payments.Pipeline.Observability;

namespace Payments.Pipeline.Partitioning;

/// <summary>
/// P partitions, each a bounded channel with one reader loop. An item's key (a charge's id)
/// always maps to the same partition, and inside it the items of one key form a chain: an item
/// that arrives while another of the same key runs waits for it, so two steps of one charge
/// never run concurrently, while different keys run concurrently up to a limit. The pool knows
/// nothing of what it runs.
/// A full channel refuses the item (<see cref="TryEnqueue"/> returns false): the caller's
/// intent is already durable and the recovery sweep brings it back later.
/// </summary>
public sealed class PartitionedWorkerPool<TItem> : BackgroundService
    where TItem : class, IPartitioned
{
    private readonly Partition[] _partitions;
    private readonly IWorkHandler<TItem> _handler;
    private readonly Readiness _readiness;
    private readonly ILogger<PartitionedWorkerPool<TItem>> _logger;
    private readonly Counter _refused;

    public PartitionedWorkerPool(IOptions<PartitionOptions> options, IWorkHandler<TItem> handler, Readiness readiness, PaymentsMetrics metrics, ILogger<PartitionedWorkerPool<TItem>> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        var settings = options.Value;
        _handler = handler;
        _readiness = readiness;
        _logger = logger;
        _partitions = [.. Enumerable.Range(0, settings.Partitions).Select(i => new Partition(i, settings))];
        _refused = metrics.Counter("payments_pipeline_backpressure_total", "Work items refused because their partition's channel was full.", "partition");
        metrics.Gauge("payments_pipeline_partition_depth", "Work items waiting in each partition's channel.", "partition",
            () => _partitions.Select(p => (p.Index, (double)p.Depth)));
        metrics.Gauge("payments_pipeline_in_flight", "Steps running now, across partitions.", () => _partitions.Sum(p => p.Running));
    }

    public int PartitionCount => _partitions.Length;

    /// <summary>Offers a step to its charge's partition; false when the partition is full or stopping.</summary>
    public bool TryEnqueue(TItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var partition = _partitions[PartitionRouter.PartitionOf(item.PartitionKey, _partitions.Length)];
        if (partition.Channel.Writer.TryWrite(item))
        {
            return true;
        }

        _refused.WithLabels(partition.Index.ToString(CultureInfo.InvariantCulture)).Inc();
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = _partitions.Select(p => RunPartitionAsync(p, stoppingToken)).ToArray();
        _readiness.MarkPipelineRunning(true);
        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        finally
        {
            _readiness.MarkPipelineRunning(false);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop taking work; what is queued but not started stays pending in the database
        // and is picked up by the recovery sweep of this or another instance.
        foreach (var partition in _partitions)
        {
            partition.Channel.Writer.TryComplete();
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunPartitionAsync(Partition partition, CancellationToken stoppingToken)
    {
        var reader = partition.Channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                // A permit before each read: when the partition runs its limit, items wait in
                // the channel, the channel fills, and TryEnqueue reports backpressure.
                await partition.Permits.WaitAsync(stoppingToken).ConfigureAwait(false);
                if (!reader.TryRead(out var item))
                {
                    partition.Permits.Release();
                    continue;
                }

                if (partition.JoinChain(item))
                {
                    // Runs after the step of the same charge that is running now, under its permit.
                    partition.Permits.Release();
                    continue;
                }

                _ = RunChainAsync(partition, item, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown is normal.
        }
        catch (Exception e)
        {
            Log.PartitionLoopFailed(_logger, partition.Index, e);
            partition.Channel.Writer.TryComplete(e);
            throw;
        }

        // Drain: let running chains finish their current step.
        while (partition.Running > 0 && !stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task RunChainAsync(Partition partition, TItem item, CancellationToken stoppingToken)
    {
        Interlocked.Increment(ref partition.RunningCount);
        try
        {
            for (TItem? next = item; next is not null; next = partition.NextInChain(next.PartitionKey))
            {
                try
                {
                    await _handler.HandleAsync(next, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    // The step stays pending in the database; the sweep resumes it after restart.
                }
                catch (Exception e)
                {
                    // One charge's failure must not stop its partition: the row stays pending and
                    // the recovery sweep retries it.
                    Log.StepFailed(_logger, next.Description, e);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref partition.RunningCount);
            partition.Permits.Release();
        }
    }

    private sealed class Partition(int index, PartitionOptions options)
    {
        private readonly Dictionary<string, Queue<TItem>> _chains = new(StringComparer.Ordinal);
        private readonly Lock _gate = new();

        // RunningCount is incremented and decremented with Interlocked by the pool.
        public int RunningCount;

        public int Index { get; } = index;

        // FullMode only matters for WriteAsync, which is never used: TryWrite refuses instead of
        // waiting, because a request thread must not block on a full partition. Several writers
        // (ingress, sweep, webhooks); one reader loop. Continuations run asynchronously so a
        // writer never ends up executing the reader's loop on its own thread.
        public Channel<TItem> Channel { get; } = System.Threading.Channels.Channel.CreateBounded<TItem>(new BoundedChannelOptions(options.ChannelCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });

        public SemaphoreSlim Permits { get; } = new(options.ConcurrencyPerPartition, options.ConcurrencyPerPartition);

        public int Depth => Channel.Reader.CanCount ? Channel.Reader.Count : 0;

        public int Running => Volatile.Read(ref RunningCount);

        /// <summary>True when a step of the same charge is running: the item is queued behind it.</summary>
        public bool JoinChain(TItem item)
        {
            lock (_gate)
            {
                if (_chains.TryGetValue(item.PartitionKey, out var queue))
                {
                    queue.Enqueue(item);
                    return true;
                }

                _chains[item.PartitionKey] = new Queue<TItem>();
                return false;
            }
        }

        /// <summary>The next queued step of the charge, or null (and the chain ends).</summary>
        public TItem? NextInChain(string key)
        {
            lock (_gate)
            {
                var queue = _chains[key];
                if (queue.TryDequeue(out var next))
                {
                    return next;
                }

                _chains.Remove(key);
                return null;
            }
        }
    }
}
