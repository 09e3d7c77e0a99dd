using Npgsql;
using NpgsqlTypes;
using Payments.Pipeline.Secrets;
using Payments.Pipeline.Storage;

namespace Payments.Pipeline.Outbox;

/// <summary>The delivery queue: claims, outcomes, the failed list and redelivery.</summary>
internal sealed class WebhookDeliveryStore(NpgsqlDataSource dataSource)
{
    // The claim, per enabled endpoint, of its due deliveries, at most as many as the endpoint
    // has free slots on this instance ($1/$2 say how many are in flight here), so that a slow
    // or dead endpoint fills its own slots and nobody else's. Two rules make the order per
    // charge: a delivery is taken only when no earlier event of its charge is still pending for
    // that endpoint, and a claimed row stays 'pending' while it is attempted (the claim only
    // moves next_attempt_at forward as a lease), so the next event waits for it to be
    // delivered or parked. SKIP LOCKED lets several instances claim side by side.
    private const string Claim = """
        WITH slots AS (
            SELECT e.id, $3::integer - coalesce(b.in_flight, 0) AS free
            FROM webhook_endpoints AS e
            LEFT JOIN unnest($1::text[], $2::integer[]) AS b(endpoint_id, in_flight) ON b.endpoint_id = e.id
            WHERE e.status = 'enabled'
        ),
        candidates AS (
            SELECT c.id, c.event_id, c.next_attempt_at, s.free,
                   row_number() OVER (PARTITION BY s.id ORDER BY c.next_attempt_at, c.id) AS rank
            FROM slots AS s
            CROSS JOIN LATERAL (
                SELECT d.id, d.event_id, d.next_attempt_at
                FROM webhook_deliveries AS d
                WHERE d.endpoint_id = s.id
                  AND d.status = 'pending'
                  AND d.next_attempt_at <= now()
                  AND NOT EXISTS (
                        SELECT 1
                        FROM webhook_deliveries AS earlier
                        WHERE earlier.endpoint_id = d.endpoint_id
                          AND earlier.charge_id = d.charge_id
                          AND earlier.status = 'pending'
                          AND earlier.sequence < d.sequence)
                ORDER BY d.next_attempt_at, d.id
                LIMIT $3
                FOR UPDATE SKIP LOCKED) AS c
            WHERE s.free > 0
        ),
        chosen AS (
            SELECT id, event_id
            FROM candidates
            WHERE rank <= free
            ORDER BY next_attempt_at
            LIMIT $4
        )
        UPDATE webhook_deliveries AS d
        SET next_attempt_at = now() + $5::interval, attempts = d.attempts + 1, updated_at = now()
        FROM chosen AS c, event_feed AS f, webhook_endpoints AS e
        WHERE d.id = c.id AND d.event_id = c.event_id AND f.event_id = d.event_id AND e.id = d.endpoint_id
        RETURNING d.id, d.endpoint_id, e.url, e.secret_key_id, e.secret_sealed, d.event_id, f.payload, d.attempts
        """;

    // Outcomes of many attempts in one statement. `attempts = r.attempt` fences a late outcome
    // (its lease ran out and another claim took the row) from overwriting the newer attempt.
    private const string Complete = """
        UPDATE webhook_deliveries AS d
        SET status = CASE WHEN r.outcome = 'released' THEN 'pending' ELSE r.outcome END,
            attempts = CASE WHEN r.outcome = 'released' THEN d.attempts - 1 ELSE d.attempts END,
            next_attempt_at = CASE r.outcome
                WHEN 'pending' THEN now() + r.retry_in
                WHEN 'released' THEN now()
                ELSE d.next_attempt_at END,
            last_status_code = CASE WHEN r.outcome = 'released' THEN d.last_status_code ELSE r.status_code END,
            last_error = CASE WHEN r.outcome = 'released' THEN d.last_error ELSE r.error END,
            delivered_at = CASE WHEN r.outcome = 'delivered' THEN now() ELSE d.delivered_at END,
            updated_at = now()
        FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::integer[], $5::text[], $6::interval[])
            AS r(id, attempt, outcome, status_code, error, retry_in)
        WHERE d.id = r.id AND d.attempts = r.attempt AND d.status = 'pending'
        """;

    // Serves the delivery list through webhook_deliveries_endpoint_event: newest event first,
    // the cursor being the last delivery seen.
    private const string SelectPage = """
        SELECT webhook_delivery_json(d, f.type)::text
        FROM webhook_deliveries AS d
        JOIN webhook_endpoints AS e ON e.id = d.endpoint_id
        JOIN event_feed AS f ON f.event_id = d.event_id
        WHERE d.endpoint_id = $1
          AND e.merchant_id = $2
          AND e.status = 'enabled'
          AND ($3::text IS NULL OR d.status = $3)
          AND ($4::bigint IS NULL OR d.event_position < (
                SELECT event_position FROM webhook_deliveries WHERE id = $4 AND endpoint_id = $1))
        ORDER BY d.event_position DESC
        LIMIT $5
        """;

    private const string SelectOne = """
        SELECT webhook_delivery_json(d, f.type)::text, d.status
        FROM webhook_deliveries AS d
        JOIN webhook_endpoints AS e ON e.id = d.endpoint_id
        JOIN event_feed AS f ON f.event_id = d.event_id
        WHERE d.id = $1 AND d.endpoint_id = $2 AND e.merchant_id = $3 AND e.status = 'enabled'
        """;

    private const string SelectOneForUpdate = """
        SELECT webhook_delivery_json(d, f.type)::text, d.status
        FROM webhook_deliveries AS d
        JOIN webhook_endpoints AS e ON e.id = d.endpoint_id
        JOIN event_feed AS f ON f.event_id = d.event_id
        WHERE d.id = $1 AND d.endpoint_id = $2 AND e.merchant_id = $3 AND e.status = 'enabled'
        FOR UPDATE OF d
        """;

    private const string SelectRedeliveryKey = """
        SELECT request_hash, delivery_id, requeued
        FROM webhook_redeliveries
        WHERE merchant_id = $1 AND idempotency_key = $2
        """;

    private const string InsertRedeliveryKey = """
        INSERT INTO webhook_redeliveries (merchant_id, idempotency_key, request_hash, endpoint_id, delivery_id, requeued)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (merchant_id, idempotency_key) DO NOTHING
        """;

    // A parked (or already delivered) delivery goes back to the queue with a fresh budget of
    // attempts. A pending one is left alone: it is queued already.
    private const string Requeue = """
        UPDATE webhook_deliveries
        SET status = 'pending', attempts = 0, next_attempt_at = now(), updated_at = now()
        WHERE id = $1 AND endpoint_id = $2 AND status IN ('failed', 'delivered')
        """;

    private const string RequeueFailed = """
        UPDATE webhook_deliveries
        SET status = 'pending', attempts = 0, next_attempt_at = now(), updated_at = now()
        WHERE endpoint_id = $1 AND status = 'failed'
        """;

    // The backlog as every instance sees it: what waits (or is being attempted) and what is parked.
    // (A delivery queued in the instant its endpoint was deleted stays pending but is never
    // claimed; joining the endpoint keeps it out of the figures.)
    private const string SelectBacklog = """
        SELECT count(*) FILTER (WHERE d.status = 'pending'),
               count(*) FILTER (WHERE d.status = 'failed'),
               coalesce(extract(epoch FROM now() - min(d.created_at) FILTER (WHERE d.status = 'pending')), 0)::float8
        FROM webhook_deliveries AS d
        JOIN webhook_endpoints AS e ON e.id = d.endpoint_id
        WHERE d.status IN ('pending', 'failed') AND e.status = 'enabled'
        """;

    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(
        string[] busyEndpoints, int[] inFlight, int perEndpoint, int limit, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(Claim);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = busyEndpoints });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = inFlight });
        command.Parameters.AddWithValue(perEndpoint);
        command.Parameters.AddWithValue(limit);
        command.Parameters.AddWithValue(lease);
        var claimed = new List<ClaimedDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claimed.Add(new ClaimedDelivery(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), new SealedSecret(reader.GetString(3), reader.GetFieldValue<byte[]>(4)),
                reader.GetString(5), reader.GetString(6), reader.GetInt32(7)));
        }

        return claimed;
    }

    public async Task CompleteAsync(IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        await using var command = dataSource.CreateCommand(Complete);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. outcomes.Select(o => o.Id)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. outcomes.Select(o => o.Attempt)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. outcomes.Select(o => o.Status)] });
        command.Parameters.Add(new NpgsqlParameter<int?[]> { TypedValue = [.. outcomes.Select(o => o.StatusCode)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. outcomes.Select(o => o.Error)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan[]> { TypedValue = [.. outcomes.Select(o => o.RetryIn)] });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One page of an endpoint's deliveries, newest first; one more than asked tells if there are more.</summary>
    public async Task<IReadOnlyList<string>> ListJsonAsync(
        string merchantId, string endpointId, string? status, long? startingAfter, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectPage);
        command.Parameters.AddWithValue(endpointId);
        command.Parameters.AddWithValue(merchantId);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = status, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = startingAfter, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.AddWithValue(limit);
        return await command.ReadTextRowsAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<string?> FindJsonAsync(string merchantId, string endpointId, long deliveryId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await FindAsync(connection, null, merchantId, endpointId, deliveryId, forUpdate: false, cancellationToken).ConfigureAwait(false))?.Json;
    }

    /// <summary>
    /// Puts one delivery back in the queue, once per idempotency key. The answer carries the
    /// delivery as it is after the request (or, for a replay, as it is now).
    /// </summary>
    public async Task<RedeliveryAnswer> RedeliverAsync(
        string merchantId, string endpointId, long deliveryId, string idempotencyKey, byte[] requestHash, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var replay = await FindKeyAsync(connection, transaction, merchantId, idempotencyKey, requestHash, cancellationToken).ConfigureAwait(false);
        if (replay is RedeliveryAnswer.KeyReused)
        {
            return replay;
        }

        if (replay is not null)
        {
            var current = await FindAsync(connection, transaction, merchantId, endpointId, deliveryId, forUpdate: false, cancellationToken).ConfigureAwait(false);
            return current is null ? new RedeliveryAnswer.NotFound() : new RedeliveryAnswer.Delivery(current.Value.Json, Replayed: true);
        }

        var found = await FindAsync(connection, transaction, merchantId, endpointId, deliveryId, forUpdate: true, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return new RedeliveryAnswer.NotFound();
        }

        if (found.Value.Status is "pending")
        {
            return new RedeliveryAnswer.AlreadyQueued();
        }

        await using (var requeue = new NpgsqlCommand(Requeue, connection, transaction))
        {
            requeue.Parameters.AddWithValue(deliveryId);
            requeue.Parameters.AddWithValue(endpointId);
            await requeue.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!await RecordKeyAsync(connection, transaction, merchantId, idempotencyKey, requestHash, endpointId, deliveryId, 1, cancellationToken).ConfigureAwait(false))
        {
            // A concurrent request with the same key got there first: answer as its replay.
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return await RedeliverAsync(merchantId, endpointId, deliveryId, idempotencyKey, requestHash, cancellationToken).ConfigureAwait(false);
        }

        var after = await FindAsync(connection, transaction, merchantId, endpointId, deliveryId, forUpdate: false, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new RedeliveryAnswer.Delivery(after!.Value.Json, Replayed: false);
    }

    /// <summary>Puts every failed delivery of an endpoint back in the queue, once per idempotency key.</summary>
    public async Task<RedeliveryAnswer> RedeliverFailedAsync(
        string merchantId, string endpointId, string idempotencyKey, byte[] requestHash, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var replay = await FindKeyAsync(connection, transaction, merchantId, idempotencyKey, requestHash, cancellationToken).ConfigureAwait(false);
        if (replay is not null)
        {
            return replay;
        }

        await using (var requeue = new NpgsqlCommand(RequeueFailed, connection, transaction))
        {
            requeue.Parameters.AddWithValue(endpointId);
            var requeued = await requeue.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (!await RecordKeyAsync(connection, transaction, merchantId, idempotencyKey, requestHash, endpointId, null, requeued, cancellationToken).ConfigureAwait(false))
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return await RedeliverFailedAsync(merchantId, endpointId, idempotencyKey, requestHash, cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new RedeliveryAnswer.Requeued(requeued, Replayed: false);
        }
    }

    public async Task<DeliveryBacklog> ReadBacklogAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectBacklog);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new DeliveryBacklog(reader.GetInt64(0), reader.GetInt64(1), reader.GetDouble(2));
    }

    private static async Task<(string Json, string Status)?> FindAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string merchantId, string endpointId, long deliveryId,
        bool forUpdate, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(forUpdate ? SelectOneForUpdate : SelectOne, connection, transaction);
        command.Parameters.AddWithValue(deliveryId);
        command.Parameters.AddWithValue(endpointId);
        command.Parameters.AddWithValue(merchantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <summary>The answer to a replayed key (or to a key reused for another request); null for a new key.</summary>
    private static async Task<RedeliveryAnswer?> FindKeyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string merchantId, string idempotencyKey, byte[] requestHash, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SelectRedeliveryKey, connection, transaction);
        command.Parameters.AddWithValue(merchantId);
        command.Parameters.AddWithValue(idempotencyKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        if (!reader.GetFieldValue<byte[]>(0).AsSpan().SequenceEqual(requestHash))
        {
            return new RedeliveryAnswer.KeyReused();
        }

        // A single redelivery's replay is answered with the delivery as it is now (by the caller).
        return reader.IsDBNull(1) ? new RedeliveryAnswer.Requeued(reader.GetInt32(2), Replayed: true) : new RedeliveryAnswer.Delivery("", Replayed: true);
    }

    private static async Task<bool> RecordKeyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string merchantId, string idempotencyKey, byte[] requestHash,
        string endpointId, long? deliveryId, int requeued, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(InsertRedeliveryKey, connection, transaction);
        command.Parameters.AddWithValue(merchantId);
        command.Parameters.AddWithValue(idempotencyKey);
        command.Parameters.AddWithValue(requestHash);
        command.Parameters.AddWithValue(endpointId);
        command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = deliveryId, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.AddWithValue(requeued);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }
}
