using Npgsql;
using NpgsqlTypes;
using Payments.Pipeline.Storage;

namespace Payments.Pipeline.Outbox;

/// <summary>
/// The durable hand-off of streamed events (the feed row and one delivery per enabled
/// endpoint of the merchant, in one transaction) and the reads of the feed.
/// </summary>
internal sealed class EventFeedStore(NpgsqlDataSource dataSource)
{
    // Serializes every writer of feed positions, whatever instance it runs in: a publisher
    // that lost the slot may still be committing its last hand-off while the new leader
    // starts. Held to commit, so positions become visible strictly in the order assigned.
    private const long FeedLockKey = 7_405_316_222_606;

    private const string TakeFeedLock = "SELECT pg_advisory_xact_lock($1)";

    // The acknowledgement that follows a hand-off is only safe if its commit survives a
    // crash: a server or role that turned synchronous_commit off must not weaken that here.
    private const string RequireDurableCommit = "SET LOCAL synchronous_commit = on";

    // Positions continue from the largest one, in the order given (the order transactions
    // committed). ON CONFLICT on the event id makes a replay (a crash between hand-off and
    // acknowledgement) record nothing twice and queue nothing twice; its positions are simply
    // not used (a clash on a position itself is an error, never skipped). The deliveries go to
    // the merchant's endpoints enabled at this moment; only newly recorded events get any, and
    // their one unique key (endpoint, event) is a second guard, so it needs no named target.
    private const string HandOff = """
        WITH input AS (
            SELECT *
            FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::text[], $6::text[], $7::timestamptz[])
                WITH ORDINALITY AS t(event_id, merchant_id, charge_id, sequence, type, payload, committed_at, ordinal)
        ),
        base AS (
            SELECT coalesce(max(position), 0) AS last
            FROM event_feed
        ),
        recorded AS (
            INSERT INTO event_feed (position, event_id, merchant_id, charge_id, sequence, type, payload, committed_at)
            SELECT base.last + i.ordinal, i.event_id, i.merchant_id, i.charge_id, i.sequence, i.type, i.payload, i.committed_at
            FROM input AS i
            CROSS JOIN base
            ON CONFLICT (event_id) DO NOTHING
            RETURNING position, event_id, merchant_id, charge_id, sequence
        ),
        queued AS (
            INSERT INTO webhook_deliveries (endpoint_id, event_position, event_id, charge_id, sequence)
            SELECT e.id, r.position, r.event_id, r.charge_id, r.sequence
            FROM recorded AS r
            JOIN webhook_endpoints AS e ON e.merchant_id = r.merchant_id AND e.status = 'enabled'
            ORDER BY r.position
            ON CONFLICT DO NOTHING
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM recorded)::integer, (SELECT count(*) FROM queued)::integer
        """;

    // The one-time backfill of a new slot: outbox rows committed before the slot existed are
    // never streamed. Their commit order is unknown, so they go in by outbox id, which keeps
    // each charge's sequence order (an event's row is inserted after the previous one of its
    // charge committed). Rows the slot also streams are skipped then by their event id.
    private const string Backfill = """
        WITH base AS (
            SELECT coalesce(max(position), 0) AS last
            FROM event_feed
        ),
        missing AS (
            SELECT o.event_id, o.merchant_id, o.charge_id, o.sequence, o.type, o.payload::text AS payload, o.created_at,
                   row_number() OVER (ORDER BY o.id) AS ordinal
            FROM outbox AS o
            WHERE NOT EXISTS (SELECT 1 FROM event_feed AS f WHERE f.event_id = o.event_id)
        ),
        recorded AS (
            INSERT INTO event_feed (position, event_id, merchant_id, charge_id, sequence, type, payload, committed_at)
            SELECT base.last + m.ordinal, m.event_id, m.merchant_id, m.charge_id, m.sequence, m.type, m.payload, m.created_at
            FROM missing AS m
            CROSS JOIN base
            ON CONFLICT (event_id) DO NOTHING
            RETURNING position, event_id, merchant_id, charge_id, sequence
        ),
        queued AS (
            INSERT INTO webhook_deliveries (endpoint_id, event_position, event_id, charge_id, sequence)
            SELECT e.id, r.position, r.event_id, r.charge_id, r.sequence
            FROM recorded AS r
            JOIN webhook_endpoints AS e ON e.merchant_id = r.merchant_id AND e.status = 'enabled'
            ORDER BY r.position
            ON CONFLICT DO NOTHING
            RETURNING 1
        ),
        marked AS (
            INSERT INTO outbox_slots (slot_name, backfilled, backfilled_at)
            VALUES ($1, true, now())
            ON CONFLICT (slot_name) DO UPDATE
            SET backfilled = true, backfilled_at = now()
        )
        SELECT (SELECT count(*) FROM recorded)::integer, (SELECT count(*) FROM queued)::integer
        """;

    private const string MarkSlotCreated = """
        INSERT INTO outbox_slots (slot_name)
        VALUES ($1)
        ON CONFLICT (slot_name) DO UPDATE
        SET backfilled = false, created_at = now(), backfilled_at = NULL
        """;

    // A slot with no row here was made by hand (or before this table): backfill it too.
    private const string SelectNeedsBackfill = """
        SELECT NOT coalesce((SELECT backfilled FROM outbox_slots WHERE slot_name = $1), false)
        """;

    private const string SelectPosition = """
        SELECT position
        FROM event_feed
        WHERE event_id = $1 AND merchant_id = $2
        """;

    // Serves GET /v1/events through event_feed_merchant_position.
    private const string SelectPage = """
        SELECT payload
        FROM event_feed
        WHERE merchant_id = $1 AND position > $2
        ORDER BY position
        LIMIT $3
        """;

    /// <summary>
    /// Records the events for the feed and queues their deliveries, in one transaction, in
    /// the order given. Idempotent by event id.
    /// </summary>
    public async Task<HandOffResult> HandOffAsync(IReadOnlyList<ReplicatedEvent> events, IReadOnlyList<DateTime> committedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(committedAt);
        var count = events.Count;
        var eventIds = new string[count];
        var merchantIds = new string[count];
        var chargeIds = new string[count];
        var sequences = new int[count];
        var types = new string[count];
        var payloads = new string[count];
        var times = new DateTime[count];
        for (var i = 0; i < count; i++)
        {
            var e = events[i];
            eventIds[i] = e.EventId;
            merchantIds[i] = e.MerchantId;
            chargeIds[i] = e.ChargeId;
            sequences[i] = e.Sequence;
            types[i] = e.Type;
            payloads[i] = e.Payload;
            times[i] = committedAt[i];
        }

        var handOff = new NpgsqlBatchCommand(HandOff);
        handOff.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = eventIds });
        handOff.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = merchantIds });
        handOff.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = chargeIds });
        handOff.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = sequences });
        handOff.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types });
        handOff.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = payloads });
        handOff.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = times, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        return await RunLockedAsync(handOff, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Notes that a slot was just created, so its backfill is due.</summary>
    public async Task MarkSlotCreatedAsync(string slot, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(MarkSlotCreated);
        command.Parameters.AddWithValue(slot);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> NeedsBackfillAsync(string slot, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectNeedsBackfill);
        command.Parameters.AddWithValue(slot);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
    }

    /// <summary>Copies outbox events that are not in the feed yet, and marks the slot backfilled.</summary>
    public async Task<HandOffResult> BackfillAsync(string slot, CancellationToken cancellationToken = default)
    {
        var backfill = new NpgsqlBatchCommand(Backfill);
        backfill.Parameters.AddWithValue(slot);
        return await RunLockedAsync(backfill, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The feed position of one of the merchant's events; null when it has none.</summary>
    public async Task<long?> FindPositionAsync(string merchantId, string eventId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectPosition);
        command.Parameters.AddWithValue(eventId);
        command.Parameters.AddWithValue(merchantId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long?;
    }

    /// <summary>The merchant's events after a position, in commit order, as rendered JSON.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(string merchantId, long afterPosition, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectPage);
        command.Parameters.AddWithValue(merchantId);
        command.Parameters.AddWithValue(afterPosition);
        command.Parameters.AddWithValue(limit);
        return await command.ReadTextRowsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a feed write under the feed lock, in one transaction, and returns only once it is
    /// committed: the caller acknowledges the slot on the strength of that commit.
    /// </summary>
    private async Task<HandOffResult> RunLockedAsync(NpgsqlBatchCommand write, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(RequireDurableCommit));
        var take = new NpgsqlBatchCommand(TakeFeedLock);
        take.Parameters.AddWithValue(FeedLockKey);
        batch.BatchCommands.Add(take);
        batch.BatchCommands.Add(write);

        HandOffResult? result = null;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            // The counts are the result with two columns (the lock's has one).
            do
            {
                if (reader.FieldCount == 2 && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    result = new HandOffResult(reader.GetInt32(0), reader.GetInt32(1));
                }
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result ?? throw new InvalidOperationException("The feed write returned no counts.");
    }
}
