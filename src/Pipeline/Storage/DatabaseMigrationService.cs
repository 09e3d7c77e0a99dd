using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Payments.Pipeline.Hosting;
using Payments.Pipeline.Retention;

namespace Payments.Pipeline.Storage;

/// <summary>
/// Migrates the schema while the host starts: nothing that touches the database may run
/// before this completes, so it is a blocking <see cref="IHostedService.StartAsync"/>. It runs as
/// the <see cref="SchemaOwner"/> (so the service itself can own nothing, and cannot alter tables or
/// switch off the ledger's triggers), and makes the partitions the first writes need (retention's)
/// right after.
/// </summary>
internal sealed class DatabaseMigrationService(SchemaOwner owner, IOptions<RetentionOptions> retention, Readiness readiness) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await owner.Migrations.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await RetentionStore.PrepareAsync(owner.DataSource, retention.Value, cancellationToken).ConfigureAwait(false);
        readiness.MarkDatabaseMigrated();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
