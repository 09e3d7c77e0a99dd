using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Payments.Pipeline.Storage;

/// <summary>
/// Applies the ordered <c>.sql</c> migrations embedded in this assembly. All of them run
/// in one transaction under a transaction-scoped advisory lock, so two processes starting
/// at once serialize: the second finds every version recorded and does nothing.
/// </summary>
public sealed partial class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner> logger)
{
    // An arbitrary constant shared by every process that migrates this schema.
    private const long MigrationLockKey = 7_405_316_222_019;

    private const string CreateHistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     integer PRIMARY KEY,
            name        text NOT NULL,
            applied_at  timestamptz NOT NULL DEFAULT now()
        )
        """;

    private const string TakeMigrationLock = "SELECT pg_advisory_xact_lock($1)";

    private const string SelectAppliedVersions = "SELECT version FROM schema_migrations";

    private const string RecordMigration = "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)";

    internal sealed record Migration(int Version, string Name, string Sql);

    /// <summary>Applies what is missing; returns how many migrations were applied.</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        await using (var lockCommand = new NpgsqlCommand(TakeMigrationLock, connection, transaction))
        {
            lockCommand.Parameters.AddWithValue(MigrationLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Under the lock, so a concurrent first start cannot race on creating it.
        await using (var create = new NpgsqlCommand(CreateHistoryTable, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var applied = new HashSet<int>();
        await using (var select = new NpgsqlCommand(SelectAppliedVersions, connection, transaction))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        var count = 0;
        foreach (var migration in LoadEmbedded().Where(m => !applied.Contains(m.Version)))
        {
            await using (var apply = new NpgsqlCommand(migration.Sql, connection, transaction))
            {
                await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var record = new NpgsqlCommand(RecordMigration, connection, transaction))
            {
                record.Parameters.AddWithValue(migration.Version);
                record.Parameters.AddWithValue(migration.Name);
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            Log.MigrationApplied(logger, migration.Version, migration.Name);
            count++;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    internal static IReadOnlyList<Migration> LoadEmbedded()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = MigrationName().Match(resource);
            if (!match.Success)
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Migration resource {resource} cannot be read.");
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(int.Parse(match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups["name"].Value, reader.ReadToEnd()));
        }

        var ordered = migrations.OrderBy(m => m.Version).ToList();
        if (ordered.Select(m => m.Version).Distinct().Count() != ordered.Count)
        {
            throw new InvalidOperationException("Two migrations share a version number.");
        }

        return ordered;
    }

    [GeneratedRegex(@"^Migrations/(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex MigrationName();
}
