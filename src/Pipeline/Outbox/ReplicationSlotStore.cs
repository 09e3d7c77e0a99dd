using Npgsql;

namespace Payments.Pipeline.Outbox;

/// <summary>
/// The publication, the permanent slot and what is known about them. Nothing here ever
/// drops a slot: a slot is dropped only by an operator (see the README), because dropping it
/// forgets the position up to which events were handed off.
/// </summary>
internal sealed class ReplicationSlotStore(NpgsqlDataSource dataSource)
{
    private const string SelectPublication = """
        SELECT 1
        FROM pg_publication
        WHERE pubname = $1
        """;

    // Inserts only: the outbox is append-only for consumers, and retention's dropped partitions
    // must not reach them as events. Through the partitioned table's root, so a row arrives as the
    // outbox's whatever partition it went to.
    private const string CreatePublicationPrefix = "CREATE PUBLICATION \"";

    private const string CreatePublicationSuffix = "\" FOR TABLE outbox WITH (publish = 'insert', publish_via_partition_root = true)";

    private const string SelectSlot = """
        SELECT database, plugin, slot_type
        FROM pg_replication_slots
        WHERE slot_name = $1
        """;

    // Permanent (not temporary): a temporary slot vanishes with its session, and with it the
    // position that says what was handed off.
    private const string CreateSlot = """
        SELECT lsn::text
        FROM pg_create_logical_replication_slot($1, 'pgoutput')
        """;

    private const string SelectCurrentDatabase = "SELECT current_database()";

    // A transactional logical message: it reaches the slot as an ordinary (empty) transaction,
    // whose acknowledgement moves the slot past WAL written only to unpublished tables.
    private const string EmitHeartbeat = """
        SELECT pg_logical_emit_message(true, 'payments.outbox.heartbeat', '')
        """;

    // Lag in bytes is the server's own measure (WAL written past what the slot confirmed);
    // in seconds it is the walsender's flush lag while a publisher streams, and the age of the
    // last hand-off while none does and WAL is waiting.
    private const string SelectLag = """
        SELECT s.active,
               s.wal_status,
               pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn)::bigint,
               pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn)::bigint,
               extract(epoch FROM r.flush_lag)::float8,
               extract(epoch FROM now() - (SELECT recorded_at FROM event_feed ORDER BY position DESC LIMIT 1))::float8
        FROM pg_replication_slots AS s
        LEFT JOIN pg_stat_replication AS r ON r.pid = s.active_pid
        WHERE s.slot_name = $1 AND s.database = current_database()
        """;

    /// <summary>Creates the publication on the outbox when it does not exist.</summary>
    public async Task EnsurePublicationAsync(string publication, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var select = new NpgsqlCommand(SelectPublication, connection))
        {
            select.Parameters.AddWithValue(publication);
            if (await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                return;
            }
        }

        // The name is a validated identifier (OutboxOptions): DDL takes no parameters.
        await using var create = new NpgsqlCommand(CreatePublicationPrefix + publication + CreatePublicationSuffix, connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateObject)
        {
            // Another instance created it between the look and the create: the goal is met.
        }
    }

    /// <summary>
    /// Makes sure the slot exists in this database; true when it was created now (events
    /// committed before that were never streamed and need the one-time backfill).
    /// </summary>
    public async Task<bool> EnsureSlotAsync(string slot, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        string database;
        await using (var current = new NpgsqlCommand(SelectCurrentDatabase, connection))
        {
            database = (string)(await current.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        await using (var select = new NpgsqlCommand(SelectSlot, connection))
        {
            select.Parameters.AddWithValue(slot);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var slotDatabase = reader.IsDBNull(0) ? null : reader.GetString(0);
                var plugin = reader.IsDBNull(1) ? null : reader.GetString(1);
                if (slotDatabase != database || plugin != "pgoutput")
                {
                    throw new OutboxConfigurationException(
                        $"Replication slot {slot} belongs to database {slotDatabase ?? "(none)"} with plugin {plugin ?? "(none)"}, not to {database} with pgoutput. "
                        + "Slot names are per cluster: set Outbox__SlotName to a name of this database's own.");
                }

                return false;
            }
        }

        await using var create = new NpgsqlCommand(CreateSlot, connection);
        create.Parameters.AddWithValue(slot);
        try
        {
            await create.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateObject)
        {
            // Another instance created it meanwhile; it also owns the backfill flag.
            return false;
        }
    }

    public async Task EmitHeartbeatAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(EmitHeartbeat);
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The slot's lag as the server sees it; null when the slot does not exist (yet).</summary>
    public async Task<SlotLag?> ReadLagAsync(string slot, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectLag);
        command.Parameters.AddWithValue(slot);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var active = reader.GetBoolean(0);
        var lagBytes = reader.IsDBNull(2) ? 0 : Math.Max(0, reader.GetInt64(2));
        var flushLag = reader.IsDBNull(4) ? (double?)null : reader.GetDouble(4);
        var sinceLastHandOff = reader.IsDBNull(5) ? (double?)null : reader.GetDouble(5);
        var lagSeconds = active ? flushLag ?? 0 : lagBytes > 0 ? sinceLastHandOff ?? 0 : 0;
        return new SlotLag(
            active,
            reader.IsDBNull(1) ? "unknown" : reader.GetString(1),
            lagBytes,
            reader.IsDBNull(3) ? 0 : Math.Max(0, reader.GetInt64(3)),
            lagSeconds);
    }
}
