using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Payments.Pipeline.Observability;
using Payments.Pipeline.Storage;
using Prometheus;

namespace Payments.Pipeline.Retention;

/// <summary>
/// Keeps the tables that grow with every event at the size the contracts need: partitions made
/// ahead and old ones dropped whole, in the background, one instance at a time. Partitions are
/// DDL, so it runs as the schema's owner when <c>ConnectionStrings:Migrations</c> names one.
/// </summary>
internal sealed class RetentionWorker : BackgroundService
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly RetentionOptions _options;
    private readonly ILogger<RetentionWorker> _logger;
    private readonly Gauge _partitions;
    private readonly Gauge _bytes;
    private readonly Gauge _ahead;
    private readonly Counter _dropped;
    private readonly Counter _runs;

    public RetentionWorker(
        SchemaOwner owner, IOptions<RetentionOptions> options, PaymentsMetrics metrics, ILogger<RetentionWorker> logger)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _dataSource = owner.DataSource;
        _options = options.Value;
        _logger = logger;
        _partitions = metrics.Factory.CreateGauge("payments_retention_partitions", "Partitions of each table under retention.", ["table"]);
        _bytes = metrics.Factory.CreateGauge("payments_retention_bytes", "Bytes of each table under retention, indexes included, at the last run.", ["table"]);
        _ahead = metrics.Factory.CreateGauge(
            "payments_retention_ahead_seconds", "How far ahead of now each table's partitions reach; at 0 inserts would fail.", ["table"]);
        _dropped = metrics.Factory.CreateCounter("payments_retention_partitions_dropped_total", "Partitions dropped by retention.", ["table"]);
        _runs = metrics.Factory.CreateCounter("payments_retention_runs_total", "Retention runs by outcome (done, skipped: another instance ran, failed).", ["outcome"]);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.Interval);
        do
        {
            await RunOnceAsync(stoppingToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var run = await RetentionStore.RunAsync(_dataSource, _options, cancellationToken).ConfigureAwait(false);
            _runs.WithLabels(run is null ? "skipped" : "done").Inc();
            foreach (var (table, partition) in run?.Dropped ?? [])
            {
                _dropped.WithLabels(table).Inc();
                Log.RetentionDropped(_logger, table, partition);
            }

            foreach (var table in await RetentionStore.SizesAsync(_dataSource, cancellationToken).ConfigureAwait(false))
            {
                _partitions.WithLabels(table.Table).Set(table.Partitions);
                _bytes.WithLabels(table.Table).Set(table.Bytes);
                _ahead.WithLabels(table.Table).Set(table.AheadSeconds);
            }
        }
        catch (Exception e) when (e is NpgsqlException or PostgresException or TimeoutException)
        {
            _runs.WithLabels("failed").Inc();
            Log.RetentionFailed(_logger, e);
        }
    }
}
