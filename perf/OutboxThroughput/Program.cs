using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Payments.OutboxThroughput;
using Payments.Pipeline.Hosting;
using Payments.Pipeline.Observability;
using Payments.Pipeline.Outbox;
using Payments.Pipeline.Retention;
using Payments.Pipeline.Storage;
using Payments.Pipeline.Storage.Embedded;

// Decode-to-handoff throughput of the outbox publisher: a backlog of N outbox events waits in
// the slot, then the publisher starts and streams, decodes and hands off (feed row plus queued
// deliveries, committed) until the last one. Measured from the first hand-off to the last one
// (the publisher's own counter) and from the host's start (connection and setup included).
var options = ThroughputOptions.Parse(args);
var root = FindRepositoryRoot();
await using var cluster = Environment.GetEnvironmentVariable("ConnectionStrings__Payments") is null
    ? await EmbeddedPostgres.StartAsync(Path.Combine(root, ".data", "perf-outbox"), NullLogger.Instance)
    : null;
var database = "outbox_perf_" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
var adminConnection = cluster?.ConnectionString("postgres") ?? Environment.GetEnvironmentVariable("ConnectionStrings__Payments")!;
var connectionString = new NpgsqlConnectionStringBuilder(adminConnection) { Database = database }.ConnectionString;

await using (var admin = new NpgsqlConnection(adminConnection))
{
    await admin.OpenAsync();
    await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
    await create.ExecuteNonQueryAsync();
}

try
{
    await using var dataSource = NpgsqlDataSource.Create(connectionString);
    await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).MigrateAsync();
    await RetentionStore.PrepareAsync(dataSource, new RetentionOptions());
    await Seed.MerchantAndEndpointsAsync(dataSource, options.Endpoints);

    // First start: creates the publication and the slot, then stops.
    using (var setup = BuildHost(connectionString, database))
    {
        await setup.StartAsync();
        await WaitAsync(
            async () => await ScalarAsync<bool>(dataSource, """
                SELECT coalesce((SELECT active FROM pg_replication_slots WHERE slot_name = $1), false)
                   AND coalesce((SELECT backfilled FROM outbox_slots WHERE slot_name = $1), false)
                """, database),
            "the slot is created, backfilled and streamed");
        await setup.StopAsync();
    }

    var filling = Stopwatch.StartNew();
    await Seed.OutboxBacklogAsync(dataSource, options.Events, options.TransactionSize);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"backlog            {options.Events} events in transactions of {options.TransactionSize}, {options.Endpoints} endpoint(s), written in {filling.Elapsed.TotalSeconds:F1} s"));
    var backlogBytes = await ScalarAsync<long>(dataSource, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = $1", database);

    var handOffs = new HandOffListener();
    using var host = BuildHost(connectionString, database);
    host.Services.GetRequiredService<OutboxPublisher>().EventsHandedOff += handOffs.Record;
    var started = Stopwatch.StartNew();
    await host.StartAsync();
    await WaitAsync(async () => handOffs.Total >= options.Events, "every event handed off", TimeSpan.FromMinutes(10));
    var wall = started.Elapsed;
    await host.StopAsync();

    var feed = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM event_feed");
    if (feed != options.Events)
    {
        throw new InvalidOperationException($"The feed holds {feed} events, not {options.Events}.");
    }

    var deliveries = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM webhook_deliveries");
    // From the end of the first hand-off to the end of the last: the events of all but the
    // first batch, decoded and handed off in that time.
    var window = handOffs.Last - handOffs.First;
    var inWindow = handOffs.Total - handOffs.FirstBatch;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"slot backlog       {backlogBytes / 1048576.0:F1} MiB of WAL"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"handed off         {feed} feed rows, {deliveries} deliveries queued, in {handOffs.Batches} hand-off transactions (avg {feed / Math.Max(1, handOffs.Batches)} events)"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first to last      {inWindow} events in {window.TotalSeconds:F2} s = {inWindow / window.TotalSeconds:F0} events/s"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"from host start    {wall.TotalSeconds:F2} s = {options.Events / wall.TotalSeconds:F0} events/s"));
}
finally
{
    await using var admin = new NpgsqlConnection(adminConnection);
    await admin.OpenAsync();
    await using (var drop = new NpgsqlCommand("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = $1 AND NOT active", admin))
    {
        drop.Parameters.AddWithValue(database);
        await drop.ExecuteNonQueryAsync();
    }

    await using var dropDatabase = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
    await dropDatabase.ExecuteNonQueryAsync();
}

return 0;

static IHost BuildHost(string connectionString, string slot)
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Payments"] = connectionString,
        ["Outbox:SlotName"] = slot,
        // Only the publisher is measured: nothing delivers, and the monitor stays out of the way.
        ["Outbox:DeliveryEnabled"] = "false",
        ["Outbox:MonitorInterval"] = "00:10:00",
        // Required to start; nothing is sealed or opened in this measurement.
        ["Secrets:ActiveKeyId"] = "perf",
        ["Secrets:SealingKeys:perf"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
    });
    builder.Logging.AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ").SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddMetrics();
    builder.Services.AddSingleton<PaymentsMetrics>();
    builder.Services.AddSingleton<Readiness>();
    builder.Services.AddSingleton(TimeProvider.System);
    builder.Services.AddPaymentsStorage(builder.Configuration);
    builder.Services.AddOutbox(builder.Configuration);
    return builder.Build();
}

static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql, params object[] parameters)
{
    await using var command = dataSource.CreateCommand(sql);
    foreach (var parameter in parameters)
    {
        command.Parameters.AddWithValue(parameter);
    }

    return (T)(await command.ExecuteScalarAsync())!;
}

static async Task WaitAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
{
    var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
    while (!await condition())
    {
        if (DateTime.UtcNow > deadline)
        {
            throw new TimeoutException($"Not reached in time: {what}");
        }

        await Task.Delay(5);
    }
}

static string FindRepositoryRoot()
{
    var directory = new DirectoryInfo(AppContext.BaseDirectory);
    while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PaymentPipeline.sln")))
    {
        directory = directory.Parent;
    }

    return directory?.FullName ?? Directory.GetCurrentDirectory();
}
