using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Payments.Pipeline.Hosting;
using Payments.Pipeline.Observability;
using Payments.Pipeline.Partitioning;
using Payments.Testing;

namespace Payments.Pipeline.Tests.Partitioning;

/// <summary>The worker pool on its own: order and exclusion per charge, concurrency across charges, backpressure.</summary>
public sealed class PartitionedWorkerPoolTests
{
    [Fact]
    public async Task Steps_of_one_charge_run_one_at_a_time_in_the_order_they_came()
    {
        var handler = new RecordingHandler(TimeSpan.FromMilliseconds(5));
        await using var pool = await StartAsync(handler, partitions: 2, concurrency: 8, capacity: 100);

        for (var i = 0; i < 20; i++)
        {
            Assert.True(pool.Pool.TryEnqueue(new Job("ch_same", i)));
        }

        await Poll.UntilAsync(() => Task.FromResult(handler.Done.Count == 20), "the twenty steps to run");
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i), handler.Done.Select(d => d.Order));
        Assert.Equal(1, handler.MostAtOnce("ch_same"));
    }

    [Fact]
    public async Task Steps_of_different_charges_run_at_the_same_time()
    {
        using var gate = new SemaphoreSlim(0);
        var handler = new RecordingHandler(TimeSpan.Zero, gate);
        await using var pool = await StartAsync(handler, partitions: 1, concurrency: 4, capacity: 100);

        for (var i = 0; i < 4; i++)
        {
            Assert.True(pool.Pool.TryEnqueue(new Job($"ch_{i}")));
        }

        await Poll.UntilAsync(() => Task.FromResult(handler.Running == 4), "four charges to run at once");
        gate.Release(4);
        await Poll.UntilAsync(() => Task.FromResult(handler.Done.Count == 4), "the four steps to end");
    }

    [Fact]
    public async Task Full_partition_refuses_work_instead_of_queueing_without_bound()
    {
        using var gate = new SemaphoreSlim(0);
        var handler = new RecordingHandler(TimeSpan.Zero, gate);
        await using var pool = await StartAsync(handler, partitions: 1, concurrency: 1, capacity: 2);

        Assert.True(pool.Pool.TryEnqueue(new Job("ch_running")));
        await Poll.UntilAsync(() => Task.FromResult(handler.Running == 1), "the first step to run");
        Assert.True(pool.Pool.TryEnqueue(new Job("ch_waiting_1")));
        Assert.True(pool.Pool.TryEnqueue(new Job("ch_waiting_2")));

        Assert.False(pool.Pool.TryEnqueue(new Job("ch_refused")));

        gate.Release(10);
        await Poll.UntilAsync(() => Task.FromResult(handler.Done.Count == 3), "the accepted steps to run");
        Assert.DoesNotContain(handler.Done, d => d.Key == "ch_refused");
    }

    private static async Task<RunningPool> StartAsync(IWorkHandler<Job> handler, int partitions, int concurrency, int capacity)
    {
        var options = Options.Create(new PartitionOptions { Partitions = partitions, ConcurrencyPerPartition = concurrency, ChannelCapacity = capacity });
        // Readiness asks the database only when /readyz is probed; nothing connects here.
        var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1");
#pragma warning disable CA2000 // Owned by the running pool and disposed with it.
        var metrics = new PaymentsMetrics();
        var pool = new PartitionedWorkerPool<Job>(options, handler, new Readiness(dataSource), metrics, NullLogger<PartitionedWorkerPool<Job>>.Instance);
#pragma warning restore CA2000
        await pool.StartAsync(CancellationToken.None);
        return new RunningPool(pool, dataSource);
    }

    private sealed record RunningPool(PartitionedWorkerPool<Job> Pool, NpgsqlDataSource DataSource) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Pool.StopAsync(CancellationToken.None);
            Pool.Dispose();
            await DataSource.DisposeAsync();
        }
    }

    /// <summary>The pool runs any keyed item; this one is not a charge's step.</summary>
    private sealed record Job(string Key, int Order = 0) : IPartitioned
    {
        public string PartitionKey => Key;

        public string Description => $"job {Order} of {Key}";
    }

    private sealed class RecordingHandler(TimeSpan work, SemaphoreSlim? gate = null) : IWorkHandler<Job>
    {
        private readonly ConcurrentDictionary<string, int> _running = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, int> _most = new(StringComparer.Ordinal);
        private int _runningTotal;

        public ConcurrentQueue<Job> Done { get; } = new();

        public int Running => Volatile.Read(ref _runningTotal);

        public int MostAtOnce(string chargeId) => _most.GetValueOrDefault(chargeId);

        public async Task HandleAsync(Job item, CancellationToken cancellationToken)
        {
            var now = _running.AddOrUpdate(item.Key, 1, (_, n) => n + 1);
            _most.AddOrUpdate(item.Key, now, (_, most) => Math.Max(most, now));
            Interlocked.Increment(ref _runningTotal);
            try
            {
                if (gate is not null)
                {
                    await gate.WaitAsync(cancellationToken);
                }

                await Task.Delay(work, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _runningTotal);
                _running.AddOrUpdate(item.Key, 0, (_, n) => n - 1);
                Done.Enqueue(item);
            }
        }
    }

}
