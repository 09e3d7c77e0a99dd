using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Microsoft.Extensions.Options;
using Payments.Pipeline.Hosting;
using Payments.Pipeline.Retention;

namespace Payments.Pipeline.Storage;

/// <summary>
/// Migrates the schema while the host starts: nothing that touches the database may run
/// before this completes, so it is a blocking <see cref="IHostedService.StartAsync"/>. With
/// <c>ConnectionStrings:Migrations</c> set, migrations run as that (owning) role and the service
/// itself connects as one that owns nothing, so it cannot alter tables or switch off the
/// ledger's triggers; unset, the service's own connection migrates. The partitions that the
/// first writes need (retention's) are made right after, by the same role.
/// </summary>
internal sealed class DatabaseMigrationService(
    MigrationRunner runner, NpgsqlDataSource dataSource, IOptions<RetentionOptions> retention, Readiness readiness, IConfiguration configuration,
    ILogger<MigrationRunner> logger) : IHostedService
{
    public const string ConnectionStringName = "Migrations";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var owner = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(owner))
        {
            await runner.MigrateAsync(cancellationToken).ConfigureAwait(false);
            await RetentionStore.PrepareAsync(dataSource, retention.Value, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await using var ownerDataSource = NpgsqlDataSource.Create(owner);
            await new MigrationRunner(ownerDataSource, logger).MigrateAsync(cancellationToken).ConfigureAwait(false);
            await RetentionStore.PrepareAsync(ownerDataSource, retention.Value, cancellationToken).ConfigureAwait(false);
        }

        readiness.MarkDatabaseMigrated();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
