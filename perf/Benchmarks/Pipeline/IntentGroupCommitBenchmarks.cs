using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Payments.Pipeline.Charges;
using Payments.Pipeline.Merchants;
using Payments.Pipeline.Retention;
using Payments.Pipeline.Storage;
using Payments.Pipeline.Storage.Embedded;

namespace Payments.Benchmarks.Pipeline;

/// <summary>
/// Group commit of intent rows, the first wall at load: one <see cref="ChargeStore.InsertIntentsAsync"/>
/// (charge rows, audit rows and charge.pending events in one statement, one durable commit) at
/// batch sizes 1, 10 and 100, against a real PostgreSQL started from the machine's binaries with
/// the service's own settings and migrations. Divide by the batch size for the cost per intent:
/// the gap between batch 1 and batch 100 is what batching buys.
/// </summary>
[MemoryDiagnoser]
public class IntentGroupCommitBenchmarks
{
    private const string MerchantId = "m_bench";
    private const string Database = "bench_intents";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly byte[] _requestHash = SHA256.HashData("POST /v1/charges\n{}"u8);
    private EmbeddedPostgres? _cluster;
    private NpgsqlDataSource? _dataSource;
    private ChargeStore? _store;
    private long _counter;

    [Params(1, 10, 100)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        // Its own cluster folder (git-ignored), so a benchmark never touches a developer's or a test's data.
        _cluster = await EmbeddedPostgres.StartAsync(Path.Combine(RepositoryRoot(), ".data", "bench-postgres"), NullLogger.Instance);
        await using (var admin = new NpgsqlConnection(_cluster.ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }

        await _cluster.EnsureDatabaseAsync(Database);
        _dataSource = NpgsqlDataSource.Create(_cluster.ConnectionString(Database));
        await new MigrationRunner(_dataSource, NullLogger<MigrationRunner>.Instance).MigrateAsync();
        // The outbox is partitioned by time (0022_retention.sql): every process that migrates makes
        // the partitions ahead before it writes, or the intent's event finds no partition.
        await RetentionStore.PrepareAsync(_dataSource, new RetentionOptions());
        await new MerchantStore(_dataSource, TimeProvider.System).UpsertAsync(new Merchant(MerchantId, "Benchmark merchant", 100, 0));
        _store = new ChargeStore(_dataSource);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Benchmark]
    public Task<IReadOnlyList<InsertedIntent>> InsertIntents()
    {
        // Building the batch costs microseconds against a commit's milliseconds; it is part of
        // what the batcher does for real, so it stays inside the measurement.
        var batch = new (string ChargeId, string EventId, ChargeIntent Intent)[BatchSize];
        for (var i = 0; i < batch.Length; i++)
        {
            var n = ++_counter;
            var key = $"bench-{_run}-{n}";
            batch[i] = (Ids.NewChargeId(), Ids.NewEventId(), new ChargeIntent(MerchantId, key, _requestHash, 4_999, "USD", "pm_card_visa", true, key, null, "{}"));
        }

        return _store!.InsertIntentsAsync(batch, Lease, TimeSpan.FromMinutes(10));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PaymentPipeline.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("PaymentPipeline.sln not found above " + AppContext.BaseDirectory);
    }
}
