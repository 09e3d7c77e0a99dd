using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Payments.Pipeline.Charges;
using Payments.Pipeline.Observability;
using Payments.Pipeline.Payouts;
using Payments.Pipeline.Psp;
using Payments.Pipeline.Reconciliation;
using Payments.Pipeline.Storage;
using Payments.Pipeline.Storage.Embedded;

// Reconciling one settlement day of N lines (issue 14): N captured charges are seeded straight
// into a fresh database, the day's report (one charge line with a fee per charge) is written as
// the PSP writes it, and one run reads, matches, posts the N fee journals and compares balances.
// Measured: the run's wall time, and the process's peak working set against its size before.
var lines = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50_000;
var root = FindRepositoryRoot();
await using var cluster = await EmbeddedPostgres.StartAsync(Path.Combine(root, ".data", "perf-reconciliation"), NullLogger.Instance);
var database = "reconciliation_perf_" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
await using (var admin = new NpgsqlConnection(cluster.ConnectionString("postgres")))
{
    await admin.OpenAsync();
    await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
    await create.ExecuteNonQueryAsync();
}

await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(cluster.ConnectionString("postgres")) { Database = database }.ConnectionString);
await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).MigrateAsync();
await using (var seed = dataSource.CreateCommand("""
    WITH merchant AS (
        INSERT INTO merchants (id, name) VALUES ('mch_perf', 'Reconciliation throughput') RETURNING id
    )
    INSERT INTO charges (id, merchant_id, idempotency_key, request_hash, amount, currency, payment_method, capture, status, pending_reason,
                         psp_reference, amount_authorized, amount_captured, attempt_count, last_event_sequence)
    SELECT 'ch_perf_' || g, (SELECT id FROM merchant), 'key-' || g, sha256(convert_to(g::text, 'UTF8')), 4999, 'USD', 'pm_card_visa', true, 'captured', NULL,
           'pi_perf_' || g, 4999, 4999, 1, 2
    FROM generate_series(1, $1) AS g
    """))
{
    seed.Parameters.AddWithValue(lines);
    await seed.ExecuteNonQueryAsync();
}

var report = new StringBuilder(string.Join(',', SettlementReport.Columns)).Append('\n');
for (var i = 1; i <= lines; i++)
{
    report.Append(CultureInfo.InvariantCulture, $"txn_perf_{i},2026-11-27T10:00:00Z,2026-11-29T00:00:00Z,charge,pi_perf_{i},,4999,175,4824,usd,ch_perf_{i},,,,\n");
}

var csv = report.ToString();
report.Clear();
var store = new ReconciliationStore(dataSource);
var metrics = new PaymentsMetrics();
using var http = new HttpClient();
var psp = new PspClient(http, Options.Create(new PspOptions { BaseUrl = "http://127.0.0.1:9", ApiKey = "unused" }), TimeProvider.System, metrics);
var payouts = new PayoutProcessor(
    new PayoutStore(dataSource), psp, new PayoutMetrics(metrics, dataSource), Options.Create(new ChargeOptions()), Options.Create(new PspOptions()),
    Options.Create(new PayoutOptions()), NullLogger<PayoutProcessor>.Instance);
var reconciler = new Reconciler(psp, store, payouts, Options.Create(new ReconciliationOptions()), new ReconciliationMetrics(metrics, dataSource), NullLogger<Reconciler>.Instance);
var date = new DateOnly(2026, 11, 27);

GC.Collect();
using var process = Process.GetCurrentProcess();
process.Refresh();
var before = process.WorkingSet64;
var started = Stopwatch.StartNew();
var run = (RunStart.Started)await store.StartAsync(date, null, null, CancellationToken.None);
await reconciler.ReconcileAsync(run.RunId, date, csv, CancellationToken.None);
var wall = started.Elapsed;
process.Refresh();

await using var check = dataSource.CreateCommand("SELECT matched, lines, (SELECT count(*) FROM ledger_journals WHERE reference LIKE 'psp_fee:%') FROM reconciliation_runs WHERE id = $1");
check.Parameters.AddWithValue(run.RunId);
await using var reader = await check.ExecuteReaderAsync();
await reader.ReadAsync();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{lines} lines: {wall.TotalSeconds:F1} s, {reader.GetInt32(0)} matched of {reader.GetInt32(1)}, {reader.GetInt64(2)} fee journals; working set {before / 1048576} MiB before, peak {process.PeakWorkingSet64 / 1048576} MiB"));
return 0;

static string FindRepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "PaymentPipeline.sln")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("PaymentPipeline.sln not found above the tool.");
}
