using Npgsql;

namespace Payments.Pipeline.Retention;

/// <summary>
/// The SQL of retention (0022_retention.sql holds the rules): partitions made ahead, old ones
/// detached concurrently and dropped, and the size of what is kept.
/// </summary>
public static class RetentionStore
{
    private const string Prepare = "SELECT retention_prepare($1, $2, $3)";

    // Two processes starting at once would make the same partition: one at a time, per database.
    // Not the run's key: a run prepares on another connection while it holds that one.
    private const string TakePrepareLock = "SELECT pg_advisory_xact_lock($1)";

    private const long PrepareLockKey = 7_405_316_222_023;

    private const string SelectDue = "SELECT name, detach_pending FROM retention_due($1, $2)";

    private const string Forget = "DELETE FROM retention_partitions WHERE name = $1";

    // Session-scoped, so that DETACH … CONCURRENTLY (refused inside a transaction) runs under it;
    // released explicitly, since pooled connections are not reset.
    private const string TryLock = "SELECT pg_try_advisory_lock($1)";

    private const string Unlock = "SELECT pg_advisory_unlock($1)";

    private const string SelectSizes = """
        SELECT t.parent,
               count(*) FILTER (WHERE tree.isleaf)::integer,
               coalesce(sum(pg_total_relation_size(tree.relid)), 0)::bigint,
               extract(epoch FROM (SELECT max(p.upper_at) FROM retention_partitions AS p WHERE p.parent = t.parent) - now())::float8
        FROM retention_tables AS t
        CROSS JOIN LATERAL pg_partition_tree(t.parent::regclass) AS tree
        GROUP BY t.parent
        ORDER BY t.parent
        """;

    // One retention run at a time across instances.
    private const long RetentionLockKey = 7_405_316_222_022;

    /// <summary>Makes the partitions missing from the end of each table's last one to now + ahead; how many were made.</summary>
    public static async Task<int> PrepareAsync(NpgsqlDataSource dataSource, RetentionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var takeLock = new NpgsqlCommand(TakePrepareLock, connection, transaction))
        {
            takeLock.Parameters.AddWithValue(PrepareLockKey);
            await takeLock.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Each statement after the lock sees what a process that held it before committed.
        var made = 0;
        foreach (var (table, _) in options.Tables)
        {
            await using var command = new NpgsqlCommand(Prepare, connection, transaction);
            command.Parameters.AddWithValue(table);
            command.Parameters.AddWithValue(options.PartitionWidth);
            command.Parameters.AddWithValue(options.Ahead);
            made += (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return made;
    }

    /// <summary>
    /// One run: partitions made ahead, then every partition due dropped, table by table. Null when
    /// another instance holds the run; else what was made and which partitions were dropped.
    /// </summary>
    public static async Task<RetentionRun?> RunAsync(NpgsqlDataSource dataSource, RetentionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var tryLock = new NpgsqlCommand(TryLock, connection))
        {
            tryLock.Parameters.AddWithValue(RetentionLockKey);
            if (await tryLock.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return null;
            }
        }

        try
        {
            var made = await PrepareAsync(dataSource, options, cancellationToken).ConfigureAwait(false);
            var dropped = new List<(string Table, string Partition)>();
            foreach (var (table, keep) in options.Tables)
            {
                foreach (var (partition, pending) in await DueAsync(connection, table, keep, cancellationToken).ConfigureAwait(false))
                {
                    await DropAsync(connection, table, partition, pending, cancellationToken).ConfigureAwait(false);
                    dropped.Add((table, partition));
                }
            }

            return new RetentionRun(made, dropped);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand(Unlock, connection);
            unlock.Parameters.AddWithValue(RetentionLockKey);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Per table: its partitions, the bytes it holds (indexes included) and how far ahead its partitions reach.</summary>
    public static async Task<IReadOnlyList<RetainedTable>> SizesAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand(SelectSizes);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var tables = new List<RetainedTable>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tables.Add(new(reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), reader.IsDBNull(3) ? 0 : reader.GetDouble(3)));
        }

        return tables;
    }

    private static async Task<List<(string Partition, bool Pending)>> DueAsync(
        NpgsqlConnection connection, string table, TimeSpan keep, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SelectDue, connection);
        command.Parameters.AddWithValue(table);
        command.Parameters.AddWithValue(keep);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var due = new List<(string, bool)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            due.Add((reader.GetString(0), reader.GetBoolean(1)));
        }

        return due;
    }

    // CONCURRENTLY takes only a SHARE UPDATE EXCLUSIVE lock on the parent, so inserts go on; it
    // waits for the transactions that might still see the partition. A detach interrupted half way
    // (a crash) leaves the partition pending, and only FINALIZE completes it.
    private static async Task DropAsync(NpgsqlConnection connection, string table, string partition, bool pending, CancellationToken cancellationToken)
    {
        var detach = $"ALTER TABLE {Quote(table)} DETACH PARTITION {Quote(partition)} {(pending ? "FINALIZE" : "CONCURRENTLY")}";
        foreach (var statement in new[] { detach, $"DROP TABLE {Quote(partition)}" })
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var forget = new NpgsqlCommand(Forget, connection);
        forget.Parameters.AddWithValue(partition);
        await forget.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>What one retention run did.</summary>
public sealed record RetentionRun(int PartitionsMade, IReadOnlyList<(string Table, string Partition)> Dropped);

/// <summary>One table under retention as it stands.</summary>
public sealed record RetainedTable(string Table, int Partitions, long Bytes, double AheadSeconds);
