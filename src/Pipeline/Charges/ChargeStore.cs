using Npgsql;
using NpgsqlTypes;
using Payments.Pipeline.Moves;
using Payments.Pipeline.Storage;

namespace Payments.Pipeline.Charges;

/// <summary>The SQL of the charge aggregate. The rules live in <see cref="ChargeProcessor"/>.</summary>
public sealed class ChargeStore(NpgsqlDataSource dataSource)
{
    // Group commit: many intents in one statement and one transaction. ON CONFLICT DO NOTHING
    // without a target covers both the idempotency key and the live-order index; a row that
    // conflicts is simply not returned, and its request is answered by a lookup afterwards.
    // The audit row and the charge.pending event go in with the row (invariant 6, MoveRecords).
    // A suspected duplicate (a new key, no order_id, like a live charge of the last window) names
    // that charge; one whose merchant refuses them is not inserted and comes back as refused.
    // Splits come as flat arrays (empty for a batch without any) and go in with their charge;
    // its sum is on the row (amount_split), which the database checks against them at commit.
    // Written by this statement, they are invisible to charge_json in it (its sub-statements
    // share one snapshot), so a split charge's first rendering takes them from what was inserted.
    private const string InsertIntents = $$"""
        WITH input AS (
            SELECT *
            FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::bigint[], $6::text[], $7::text[],
                        $8::boolean[], $9::text[], $10::text[], $11::jsonb[], $12::text[], $14::boolean[], $16::bigint[])
                AS t(id, merchant_id, idempotency_key, request_hash, amount, currency, payment_method,
                     capture, order_id, description, metadata, event_id, refuse_duplicate, amount_split)
        ),
        suspected AS (
            SELECT i.*,
                   (SELECT c.id
                    FROM charges AS c
                    WHERE c.merchant_id = i.merchant_id AND c.payment_method = i.payment_method
                      AND c.amount = i.amount AND c.currency = i.currency
                      AND c.created_at > now() - $15::interval AND c.status <> 'failed'
                    ORDER BY c.created_at DESC
                    LIMIT 1) AS duplicate_of
            FROM input AS i
            WHERE i.order_id IS NULL
              AND NOT EXISTS (SELECT 1 FROM charges AS k WHERE k.merchant_id = i.merchant_id AND k.idempotency_key = i.idempotency_key)
        ),
        inserted AS (
            INSERT INTO charges (id, merchant_id, idempotency_key, request_hash, amount, currency, payment_method,
                                 capture, order_id, description, metadata, status, pending_reason,
                                 next_attempt_at, last_event_sequence, suspected_duplicate_of, amount_split)
            SELECT i.id, i.merchant_id, i.idempotency_key, i.request_hash, i.amount, i.currency, i.payment_method,
                   i.capture, i.order_id, i.description, i.metadata, 'pending', 'awaiting_psp',
                   now() + $13::interval, 1, s.duplicate_of, i.amount_split
            FROM input AS i
            LEFT JOIN suspected AS s ON s.id = i.id
            WHERE NOT (i.refuse_duplicate AND s.duplicate_of IS NOT NULL)
            ON CONFLICT DO NOTHING
            RETURNING *
        ),
        splits AS (
            INSERT INTO charge_splits (charge_id, merchant_id, seller_id, position, amount)
            SELECT c.id, c.merchant_id, s.seller_id, s.position, s.amount
            FROM unnest($17::text[], $18::text[], $19::bigint[], $20::smallint[]) AS s(charge_id, seller_id, amount, position)
            JOIN inserted AS c ON c.id = s.charge_id
            RETURNING *
        ),
        -- Rendered once: the event carries it and the request is answered with it.
        rendered AS (
            SELECT c.id, c.merchant_id, c.currency, c.created_at,
                   CASE WHEN c.amount_split = 0 THEN charge_json(c::charges)
                        ELSE charge_json(c::charges) || jsonb_build_object('splits',
                            (SELECT jsonb_agg(split_json(s::charge_splits) ORDER BY s.position) FROM splits AS s WHERE s.charge_id = c.id))
                   END AS json
            FROM inserted AS c
        ),
        moves AS (
            SELECT c.id AS charge_id, NULL::text AS refund_id, NULL::text AS dispute_id, c.merchant_id, c.currency,
                   NULL::text AS from_status, 'pending' AS to_status, 'api' AS actor, 'intent recorded' AS reason,
                   i.event_id, 'charge.pending' AS event_type, 1 AS sequence, c.created_at AS occurred_at, c.json AS payload
            FROM rendered AS c
            JOIN input AS i ON i.id = c.id
        ),
        {{MoveRecords.WriteWithoutMoney}}
        SELECT r.id, r.json::text, inserted.suspected_duplicate_of
        FROM rendered AS r
        JOIN inserted ON inserted.id = r.id
        UNION ALL
        SELECT s.id, NULL, s.duplicate_of
        FROM suspected AS s
        WHERE s.refuse_duplicate AND s.duplicate_of IS NOT NULL
        """;

    private const string SelectJsonById = """
        SELECT status, charge_json(c)::text
        FROM charges AS c
        WHERE id = $1 AND merchant_id = $2
        """;

    // Serves GET /v1/charges through charges_merchant_created; the cursor is the last id seen.
    // The cursor is always a row comparison (from +infinity on the first page) so that it is an
    // index condition in the prepared statement's generic plan; as "cursor IS NULL OR ...", it
    // was a filter, and every page scanned the merchant's charges from the newest again.
    private const string SelectPage = """
        SELECT charge_json(c)::text
        FROM charges AS c,
             (SELECT CASE WHEN $4::text IS NULL THEN 'infinity'::timestamptz
                          ELSE (SELECT created_at FROM charges WHERE id = $4 AND merchant_id = $1) END AS created_at,
                     coalesce($4::text, '') AS id) AS after
        WHERE c.merchant_id = $1
          AND ($2::text IS NULL OR c.order_id = $2)
          AND ($3::text IS NULL OR c.status = $3)
          AND (c.created_at, c.id) < (after.created_at, after.id)
        ORDER BY c.created_at DESC, c.id DESC
        LIMIT $5
        """;

    // Serves GET /v1/charges/{id}/history through charge_events_charge; nothing for another merchant's charge.
    private const string SelectHistory = """
        SELECT charge_event_json(e)::text
        FROM charge_events AS e
        JOIN charges AS c ON c.id = e.charge_id
        WHERE e.charge_id = $1 AND c.merchant_id = $2
        ORDER BY e.id
        """;

    private const string SelectByIdempotencyKey = """
        SELECT id, request_hash, status, charge_json(c)::text
        FROM charges AS c
        WHERE merchant_id = $1 AND idempotency_key = $2
        """;

    private const string SelectLiveByOrder = """
        SELECT id
        FROM charges
        WHERE merchant_id = $1 AND order_id = $2 AND status <> 'failed'
        """;

    private const string SelectRow = """
        SELECT id, merchant_id, status, pending_reason, amount, currency, payment_method, capture, description,
               psp_reference, amount_authorized, amount_captured, attempt_count, psp_key_settled_at, version, follow_up_at, amount_split
        FROM charges
        WHERE id = $1
        """;

    // Before each PSP call: the attempt is counted and the row leased from now, so the recovery
    // sweep leaves it alone while the call may still be running. The database's clock answers
    // when this was and since when the charge exists: the send window and the search lag are
    // measured on that one clock (invariant 12), never on a host's.
    private const string MarkAttempt = """
        UPDATE charges
        SET attempt_count = attempt_count + 1, next_attempt_at = now() + $2::interval, version = version + 1
        WHERE id = $1 AND status IN ('pending', 'authorized')
        RETURNING version, attempt_count, now(), created_at
        """;

    // A settled key is stamped with the database's clock when we learnt of it: later than the PSP
    // saved it, so a proof measured from it only ever waits longer than it must.
    private const string UpdatePending = """
        UPDATE charges
        SET pending_reason = $2, next_attempt_at = now() + $3::interval, attempt_count = greatest(attempt_count, 1),
            psp_key_settled_at = coalesce(psp_key_settled_at, CASE WHEN $4 THEN now() END), updated_at = now(), version = version + 1
        WHERE id = $1 AND status = 'pending'
        RETURNING version
        """;

    // The sweep's claim of follow-ups that verified PSP webhooks asked for, whatever the status.
    private const string ClaimDueFollowUps = """
        UPDATE charges
        SET follow_up_at = now() + $2::interval
        WHERE id IN (
            SELECT id
            FROM charges
            WHERE follow_up_at <= now()
            ORDER BY follow_up_at
            LIMIT $1
            FOR UPDATE SKIP LOCKED)
        RETURNING id
        """;

    private const string SelectFinishedAmong = """
        SELECT id
        FROM charges
        WHERE id = ANY($1) AND status <> 'pending'
        """;

    // Only the request that was read: one a newer webhook made since then stays due.
    private const string ClearFollowUp = """
        UPDATE charges
        SET follow_up_at = NULL
        WHERE id = $1 AND follow_up_at = $2
        """;

    private const string DelayFollowUp = """
        UPDATE charges
        SET follow_up_at = now() + $2::interval
        WHERE id = $1 AND follow_up_at IS NOT NULL
        """;

    // Forward moves as one statement, however many: one round trip, one plan, one commit. Each
    // moves the charge and writes what every move writes (MoveRecords): its audit row, its event
    // with the next per-charge sequence and, for a capture, the ledger journal. The WHERE on status and version makes a racing move
    // (a webhook, another instance) lose cleanly: its row does not come back and the caller
    // re-reads. (One statement per move cost PostgreSQL an executor start-up per charge.)
    private const string ApplyTransitions = $$"""
        WITH input AS (
            SELECT *
            FROM unnest($1::text[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::bigint[], $7::bigint[],
                        $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::bigint[], $14::bigint[], $15::text[])
                AS t(charge_id, from_status, from_version, to_status, psp_reference, amount_authorized, amount_captured,
                     failure_code, failure_message, actor, reason, event_id, captured_delta, fee, cancellation_reason)
            ORDER BY charge_id
        ),
        moved AS (
            UPDATE charges AS c
            SET status = i.to_status, pending_reason = NULL, psp_reference = coalesce(i.psp_reference, c.psp_reference),
                amount_authorized = i.amount_authorized, amount_captured = i.amount_captured,
                failure_code = i.failure_code, failure_message = i.failure_message,
                cancellation_reason = coalesce(i.cancellation_reason, c.cancellation_reason),
                last_event_sequence = c.last_event_sequence + 1, version = c.version + 1,
                attempt_count = greatest(c.attempt_count, 1), next_attempt_at = NULL, updated_at = now()
            FROM input AS i
            WHERE c.id = i.charge_id AND c.status = i.from_status AND c.version = i.from_version
            -- Rendered once: the event carries it and the waiting request is answered with it.
            RETURNING c.id, c.merchant_id, c.status, c.currency, c.last_event_sequence, c.updated_at, charge_json(c) AS json,
                      c.amount_captured, c.amount_split, i.from_status, i.actor, i.reason, i.event_id, i.captured_delta, i.fee
        ),
        moves AS (
            SELECT id AS charge_id, NULL::text AS refund_id, NULL::text AS dispute_id, merchant_id, currency, from_status, status AS to_status,
                   actor, reason,
                   event_id, 'charge.' || status AS event_type, last_event_sequence AS sequence, updated_at AS occurred_at, json AS payload,
                   CASE WHEN captured_delta > 0 THEN 'capture' END AS posting, 'capture:' || id AS journal_reference,
                   captured_delta AS posting_amount, fee,
                   -- As captured by this very move: the charge's splits are of it.
                   CASE WHEN amount_split > 0 THEN amount_captured END AS split_captured,
                   'capture of ' || id AS journal_description
            FROM moved
        ),
        {{MoveRecords.Write}}
        SELECT event_id, json::text
        FROM moved
        """;

    // The recovery sweep's claim: due pending charges, leased so that a concurrent sweep (this
    // instance's next round, or another instance) skips them. SKIP LOCKED keeps sweeps apart.
    private const string ClaimDue = """
        UPDATE charges
        SET next_attempt_at = now() + $2::interval
        WHERE id IN (
            SELECT id
            FROM charges
            WHERE status = 'pending' AND next_attempt_at <= now()
            ORDER BY next_attempt_at
            LIMIT $1
            FOR UPDATE SKIP LOCKED)
        RETURNING id
        """;

    /// <summary>Claims up to <paramref name="limit"/> pending charges whose next attempt is due.</summary>
    public Task<IReadOnlyList<string>> ClaimDueAsync(int limit, TimeSpan lease, CancellationToken cancellationToken = default) =>
        ClaimAsync(ClaimDue, limit, lease, cancellationToken);

    /// <summary>Claims up to <paramref name="limit"/> charges whose PaymentIntent a webhook asked us to read.</summary>
    public Task<IReadOnlyList<string>> ClaimDueFollowUpsAsync(int limit, TimeSpan lease, CancellationToken cancellationToken = default) =>
        ClaimAsync(ClaimDueFollowUps, limit, lease, cancellationToken);

    /// <summary>Those of <paramref name="chargeIds"/> that are no longer pending.</summary>
    public async Task<IReadOnlyList<string>> FinishedAmongAsync(IReadOnlyList<string> chargeIds, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectFinishedAmong);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. chargeIds] });
        return await command.ReadTextRowsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The follow-up asked at <paramref name="seen"/> is done; a newer one stays.</summary>
    public async Task ClearFollowUpAsync(string chargeId, DateTimeOffset seen, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(ClearFollowUp);
        command.Parameters.AddWithValue(chargeId);
        command.Parameters.AddWithValue(seen);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The follow-up could not be done now: look again after <paramref name="retryIn"/>.</summary>
    public async Task DelayFollowUpAsync(string chargeId, TimeSpan retryIn, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(DelayFollowUp);
        command.Parameters.AddWithValue(chargeId);
        command.Parameters.AddWithValue(retryIn);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<string>> ClaimAsync(string sql, int limit, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue(limit);
        command.Parameters.AddWithValue(lease);
        return await command.ReadTextRowsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts a batch of intents in one transaction; the answer lists them in order.</summary>
    public async Task<IReadOnlyList<InsertedIntent>> InsertIntentsAsync(
        IReadOnlyList<(string ChargeId, string EventId, ChargeIntent Intent)> requests, TimeSpan lease, TimeSpan duplicateWindow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);

        // Two group commits running at once that hold the same keys in opposite orders would
        // deadlock on the unique index; inserting in key order makes them queue instead.
        var batch = requests
            .OrderBy(r => r.Intent.MerchantId, StringComparer.Ordinal)
            .ThenBy(r => r.Intent.IdempotencyKey, StringComparer.Ordinal)
            .ToList();
        // Opened apart, so that a database out of reach is told apart from a commit that broke.
        await using var connection = await CommitFailure.OpenAsync(dataSource, cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(InsertIntents, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(b => b.ChargeId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(b => b.Intent.MerchantId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(b => b.Intent.IdempotencyKey)] });
        command.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = [.. batch.Select(b => b.Intent.RequestHash)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. batch.Select(b => b.Intent.Amount)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(b => b.Intent.Currency)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(b => b.Intent.PaymentMethod)] });
        command.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. batch.Select(b => b.Intent.Capture)] });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. batch.Select(b => b.Intent.OrderId)] });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. batch.Select(b => b.Intent.Description)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(b => b.Intent.MetadataJson)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(b => b.EventId)] });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = lease });
        command.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. batch.Select(b => b.Intent.RefuseSuspectedDuplicate)] });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = duplicateWindow });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. batch.Select(b => b.Intent.SplitTotal)] });
        var splits = batch
            .SelectMany(b => (b.Intent.Splits ?? []).Select((split, index) => (b.ChargeId, split.Seller, split.Amount, Position: (short)(index + 1))))
            .ToList();
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. splits.Select(s => s.ChargeId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. splits.Select(s => s.Seller)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. splits.Select(s => s.Amount)] });
        command.Parameters.Add(new NpgsqlParameter<short[]> { TypedValue = [.. splits.Select(s => s.Position)] });

        var answered = new Dictionary<string, InsertedIntent>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(0);
                var duplicateOf = reader.IsDBNull(2) ? null : reader.GetString(2);
                answered[id] = reader.IsDBNull(1)
                    ? new InsertedIntent(null, null, duplicateOf)
                    : new InsertedIntent(id, reader.GetString(1), duplicateOf);
            }
        }

        return [.. requests.Select(b => answered.TryGetValue(b.ChargeId, out var answer) ? answer : new InsertedIntent(null, null))];
    }

    /// <summary>The charge as the API shows it, only to its own merchant.</summary>
    public async Task<(string Status, string Json)?> FindJsonAsync(string merchantId, string chargeId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectJsonById);
        command.Parameters.AddWithValue(chargeId);
        command.Parameters.AddWithValue(merchantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <summary>The charge's moves, oldest first, from its audit trail; empty for a charge that is not the merchant's.</summary>
    public async Task<IReadOnlyList<string>> HistoryJsonAsync(string merchantId, string chargeId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectHistory);
        command.Parameters.AddWithValue(chargeId);
        command.Parameters.AddWithValue(merchantId);
        return await command.ReadTextRowsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One page of the merchant's charges, newest first; one more than asked tells if there are more.</summary>
    public async Task<IReadOnlyList<string>> ListJsonAsync(
        string merchantId, string? orderId, string? status, string? startingAfter, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectPage);
        command.Parameters.AddWithValue(merchantId);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = orderId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = status, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = startingAfter, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(limit);
        return await command.ReadTextRowsAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<(string Id, byte[] RequestHash, string Status, string Json)?> FindByIdempotencyKeyAsync(
        string merchantId, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectByIdempotencyKey);
        command.Parameters.AddWithValue(merchantId);
        command.Parameters.AddWithValue(idempotencyKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return (reader.GetString(0), reader.GetFieldValue<byte[]>(1), reader.GetString(2), reader.GetString(3));
    }

    public async Task<string?> FindLiveChargeForOrderAsync(string merchantId, string orderId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectLiveByOrder);
        command.Parameters.AddWithValue(merchantId);
        command.Parameters.AddWithValue(orderId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async Task<ChargeRow?> LoadAsync(string chargeId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectRow);
        command.Parameters.AddWithValue(chargeId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new ChargeRow(
            reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.GetInt64(4), reader.GetString(5), reader.GetString(6), reader.GetBoolean(7), reader.IsDBNull(8) ? null : reader.GetString(8),
            reader.IsDBNull(9) ? null : reader.GetString(9), reader.GetInt64(10), reader.GetInt64(11), reader.GetInt32(12),
            reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13), reader.GetInt32(14),
            reader.IsDBNull(15) ? null : reader.GetFieldValue<DateTimeOffset>(15), reader.GetInt64(16));
    }

    /// <summary>Counts an attempt and leases the row from now; null when the charge is no longer open.</summary>
    public async Task<AttemptMark?> MarkAttemptAsync(string chargeId, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(MarkAttempt);
        command.Parameters.AddWithValue(chargeId);
        command.Parameters.AddWithValue(lease);
        return await AttemptMark.ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Keeps a charge pending with a reason and the time of its next attempt; <paramref name="keySettled"/>
    /// records (once) that the PSP holds a saved answer for its key.
    /// </summary>
    public async Task<int?> UpdatePendingAsync(string chargeId, string reason, TimeSpan retryIn, bool keySettled, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(UpdatePending);
        command.Parameters.AddWithValue(chargeId);
        command.Parameters.AddWithValue(reason);
        command.Parameters.AddWithValue(retryIn);
        command.Parameters.AddWithValue(keySettled);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as int?;
    }

    /// <summary>
    /// Applies forward moves as one group commit: one statement, one transaction. Each answer
    /// is the charge's JSON after its move, or null when that row changed since it was read.
    /// </summary>
    public async Task<IReadOnlyList<string?>> ApplyAsync(IReadOnlyList<(ChargeTransition Transition, string EventId)> moves, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(moves);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var moved = await ApplyAsync(connection, transaction, moves, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return [.. moves.Select(m => moved.GetValueOrDefault(m.EventId))];
    }

    /// <summary>The same move inside a caller's transaction (an operation completing with it).</summary>
    public static async Task<bool> ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ChargeTransition transition, string eventId, CancellationToken cancellationToken = default)
    {
        var moved = await ApplyAsync(connection, transaction, [(transition, eventId)], cancellationToken).ConfigureAwait(false);
        return moved.Count == 1;
    }

    /// <summary>The moves that applied, by event id, with the charge's JSON after each.</summary>
    private static async Task<Dictionary<string, string>> ApplyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<(ChargeTransition Transition, string EventId)> moves, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ApplyTransitions, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. moves.Select(m => m.Transition.ChargeId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. moves.Select(m => m.Transition.FromStatus)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. moves.Select(m => m.Transition.FromVersion)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. moves.Select(m => m.Transition.ToStatus)] });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. moves.Select(m => m.Transition.PspReference)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. moves.Select(m => m.Transition.AmountAuthorized)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. moves.Select(m => m.Transition.AmountCaptured)] });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. moves.Select(m => m.Transition.FailureCode)] });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. moves.Select(m => m.Transition.FailureMessage)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. moves.Select(m => m.Transition.Actor)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. moves.Select(m => m.Transition.Reason)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. moves.Select(m => m.EventId)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. moves.Select(m => m.Transition.CapturedDelta)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. moves.Select(m => m.Transition.Fee)] });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. moves.Select(m => m.Transition.CancellationReason)] });

        var moved = new Dictionary<string, string>(moves.Count, StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            moved[reader.GetString(0)] = reader.GetString(1);
        }

        return moved;
    }
}
