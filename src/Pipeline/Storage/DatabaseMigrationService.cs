using Microsoft.Extensions.Hosting;
using Payments.Pipeline.Hosting;

namespace Payments.Pipeline.Storage;

/// <summary>
/// Migrates the schema while the host starts: nothing that touches the database may run
/// before this completes, so it is a blocking <see cref="IHostedService.StartAsync"/>.
/// </summary>
internal sealed class DatabaseMigrationService(MigrationRunner runner, Readiness readiness) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await runner.MigrateAsync(cancellationToken).ConfigureAwait(false);
        readiness.MarkDatabaseMigrated();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
