using Npgsql;
using NpgsqlTypes;
using Payments.Pipeline.Charges;
using Payments.Pipeline.Storage;

namespace Payments.Pipeline.Payouts;

/// <summary>The SQL of payouts. The rules live in <see cref="PayoutLifecycle"/> and <see cref="PayoutProcessor"/>.</summary>
internal sealed class PayoutStore(NpgsqlDataSource dataSource)
{
    private const string Columns = """
        id, merchant_id, seller_id, destination, amount, currency, status, pending_reason, psp_reference,
        attempt_count, psp_key_settled_at, created_at
        """;

    private const string SelectByKey = """
        SELECT id, request_hash, status, payout_json(p)::text
        FROM payouts AS p
        WHERE merchant_id = $1 AND idempotency_key = $2
        """;

    private const string SelectJson = """
        SELECT status, payout_json(p)::text
        FROM payouts AS p
        WHERE id = $1 AND merchant_id = $2
        """;

    private const string SelectPage = """
        SELECT payout_json(p)::text
        FROM payouts AS p,
             (SELECT CASE WHEN $4::text IS NULL THEN 'infinity'::timestamptz
                          ELSE (SELECT created_at FROM payouts WHERE id = $4 AND merchant_id = $1) END AS created_at,
                     coalesce($4::text, '') AS id) AS after
        WHERE p.merchant_id = $1
          AND ($2::text IS NULL OR p.seller_id = $2)
          AND ($3::text IS NULL OR p.status = $3)
          AND (p.created_at, p.id) < (after.created_at, after.id)
        ORDER BY p.created_at DESC, p.id DESC
        LIMIT $5
        """;

    private const string SelectRow = $"""
        SELECT {Columns}
        FROM payouts
        WHERE id = $1
        """;

    private const string SelectRowByPspReference = $"""
        SELECT {Columns}
        FROM payouts
        WHERE psp_reference = $1
        """;

    // Invariant 10: the payee's payable is locked first, in a statement of its own, so that the
    // insert that follows (a new statement, a new snapshot) sees every payout committed before it
    // got the lock: concurrent payouts of one payee are serialized by the database, and none can
    // take what another took.
    private const string LockPayable = """
        SELECT id
        FROM ledger_accounts
        WHERE id = $1
        FOR NO KEY UPDATE
        """;

    private const string Insert = $$"""
        WITH balance AS (
            SELECT coalesce((SELECT b.available FROM payable_balance($4) AS b WHERE b.currency = $7), 0) AS available
        ),
        inserted AS (
            INSERT INTO payouts (id, merchant_id, seller_id, account_id, destination, amount, currency,
                                 idempotency_key, request_hash, pending_reason, next_attempt_at)
            SELECT $1, $2, $3, $4, $5, coalesce($6, b.available), $7, $8, $9, 'awaiting_psp', now() + $10::interval
            FROM balance AS b
            WHERE coalesce($6, b.available) BETWEEN 1 AND b.available
            ON CONFLICT ON CONSTRAINT payouts_key DO NOTHING
            RETURNING *
        ),
        moves AS (
            SELECT p.id AS payout_id, p.merchant_id, p.currency, p.account_id,
                   NULL::text AS from_status, p.status AS to_status, $11::text AS actor, 'payout requested' AS reason,
                   $12::text AS event_id, 'payout.pending' AS event_type, p.last_event_sequence AS sequence, p.created_at AS occurred_at,
                   payout_json(p::payouts) AS payload,
                   'payout' AS posting, 'payout:' || p.id AS journal_reference, p.amount,
                   'payout ' || p.id || ' reserved from ' || p.account_id AS journal_description
            FROM inserted AS p
        ),
        {{PayoutRecords.Write}}
        SELECT b.available, p.attempt_count, p.created_at, CASE WHEN p.id IS NOT NULL THEN payout_json(p::payouts)::text END
        FROM balance AS b
        LEFT JOIN inserted AS p ON true
        """;

    private const string MarkAttempt = """
        UPDATE payouts
        SET attempt_count = attempt_count + 1, next_attempt_at = now() + $2::interval, updated_at = now()
        WHERE id = $1 AND status = 'pending' AND sent_at IS NULL
        RETURNING 0, attempt_count, now(), created_at
        """;

    private const string UpdatePending = """
        UPDATE payouts
        SET pending_reason = $2, next_attempt_at = now() + $3::interval,
            psp_key_settled_at = coalesce(psp_key_settled_at, CASE WHEN $4 THEN now() END),
            psp_status = coalesce($5, psp_status), updated_at = now()
        WHERE id = $1 AND status = 'pending'
        """;

    // The PSP showed its payout: the money left the PSP balance then (psp.md: at creation).
    private const string RecordSent = $$"""
        WITH sent AS (
            UPDATE payouts
            SET psp_reference = $2, psp_status = $3, sent_at = now(), pending_reason = 'awaiting_psp', updated_at = now()
            WHERE id = $1 AND status = 'pending' AND sent_at IS NULL
            RETURNING *
        ),
        moves AS (
            SELECT p.id AS payout_id, p.merchant_id, p.currency, p.account_id,
                   p.status AS from_status, p.status AS to_status, $4::text AS actor, 'the PSP created ' || p.psp_reference AS reason,
                   NULL::text AS event_id, NULL::text AS event_type, NULL::integer AS sequence, p.updated_at AS occurred_at,
                   NULL::jsonb AS payload,
                   'payout_sent' AS posting, 'payout_sent:' || p.id AS journal_reference, p.amount,
                   'payout ' || p.id || ' out of the PSP balance as ' || p.psp_reference AS journal_description
            FROM sent AS p
        ),
        {{PayoutRecords.Write}}
        SELECT count(*)
        FROM sent
        """;

    // A move the lifecycle allowed from the status the caller read ($2): the race check. A failure
    // gives the amount back to the payee: from the PSP balance when the PSP had it, else from
    // what was reserved.
    private const string Finish = $$"""
        WITH finished AS (
            UPDATE payouts
            SET status = $3, pending_reason = NULL, next_attempt_at = NULL, psp_status = coalesce($4, psp_status),
                failure_code = $5, failure_message = $6, last_event_sequence = last_event_sequence + 1, updated_at = now()
            WHERE id = $1 AND status = $2 AND ($3 <> 'paid' OR sent_at IS NOT NULL)
            RETURNING *
        ),
        moves AS (
            SELECT f.id AS payout_id, f.merchant_id, f.currency, f.account_id,
                   $2::text AS from_status, f.status AS to_status, $7::text AS actor, $8::text AS reason,
                   $9::text AS event_id, 'payout.' || f.status AS event_type, f.last_event_sequence AS sequence, f.updated_at AS occurred_at,
                   payout_json(f::payouts) AS payload,
                   CASE WHEN f.status = 'paid' THEN NULL WHEN f.sent_at IS NOT NULL THEN 'payout_returned' ELSE 'payout_cancelled' END AS posting,
                   CASE WHEN f.sent_at IS NOT NULL THEN 'payout_returned:' ELSE 'payout_cancelled:' END || f.id AS journal_reference,
                   f.amount,
                   'payout ' || f.id || ' failed (' || coalesce(f.failure_code, 'unknown') || '): back to ' || f.account_id AS journal_description
            FROM finished AS f
        ),
        {{PayoutRecords.Write}}
        SELECT count(*)
        FROM finished
        """;

    private const string ClaimDue = $"""
        UPDATE payouts
        SET next_attempt_at = now() + $2::interval
        WHERE id IN (
            SELECT id
            FROM payouts
            WHERE status = 'pending' AND next_attempt_at <= now()
            ORDER BY next_attempt_at
            LIMIT $1
            FOR UPDATE SKIP LOCKED)
        RETURNING {Columns}
        """;

    public async Task<(string Id, byte[] RequestHash, string Status, string Json)?> FindByKeyAsync(string merchantId, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectByKey);
        command.Parameters.AddWithValue(merchantId);
        command.Parameters.AddWithValue(idempotencyKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? (reader.GetString(0), reader.GetFieldValue<byte[]>(1), reader.GetString(2), reader.GetString(3))
            : null;
    }

    public async Task<(string Status, string Json)?> FindJsonAsync(string merchantId, string payoutId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectJson);
        command.Parameters.AddWithValue(payoutId);
        command.Parameters.AddWithValue(merchantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <summary>A page of the merchant's payouts, newest first, after <paramref name="startingAfter"/>.</summary>
    public async Task<IReadOnlyList<string>> ListJsonAsync(
        string merchantId, string? sellerId, string? status, string? startingAfter, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectPage);
        command.Parameters.AddWithValue(merchantId);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = sellerId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = status, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = startingAfter, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(limit);
        return await command.ReadTextRowsAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<PayoutRow?> LoadAsync(string payoutId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectRow);
        command.Parameters.AddWithValue(payoutId);
        return (await ReadRowsAsync(command, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<PayoutRow?> LoadByPspReferenceAsync(string pspPayoutId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectRowByPspReference);
        command.Parameters.AddWithValue(pspPayoutId);
        return (await ReadRowsAsync(command, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    /// <summary>
    /// Records a payout and reserves its amount from the payee's available balance, or records
    /// nothing when that is not enough. <paramref name="accountId"/> is the payable drawn on.
    /// </summary>
    public async Task<PayoutInsert> InsertAsync(
        string payoutId, PayoutRequest request, string accountId, string destination, TimeSpan lease, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockPayable = new NpgsqlCommand(LockPayable, connection, transaction))
        {
            lockPayable.Parameters.AddWithValue(accountId);
            if (await lockPayable.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                // The payee has never been owed anything: there is nothing to pay out.
                return new PayoutInsert.Insufficient(0);
            }
        }

        PayoutInsert result;
        await using (var insert = new NpgsqlCommand(Insert, connection, transaction))
        {
            insert.Parameters.AddWithValue(payoutId);
            insert.Parameters.AddWithValue(request.MerchantId);
            insert.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = request.SellerId, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.AddWithValue(accountId);
            insert.Parameters.AddWithValue(destination);
            insert.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = request.Amount, NpgsqlDbType = NpgsqlDbType.Bigint });
            insert.Parameters.AddWithValue(request.Currency);
            insert.Parameters.AddWithValue(request.IdempotencyKey);
            insert.Parameters.AddWithValue(request.RequestHash);
            insert.Parameters.AddWithValue(lease);
            insert.Parameters.AddWithValue(actor);
            insert.Parameters.AddWithValue(Ids.NewEventId());
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var available = reader.GetInt64(0);
            if (reader.IsDBNull(3))
            {
                var asked = request.Amount ?? available;
                result = asked >= 1 && asked <= available ? new PayoutInsert.KeyTaken() : new PayoutInsert.Insufficient(available);
            }
            else
            {
                var row = new PayoutRow(
                    payoutId, request.MerchantId, request.SellerId, destination, request.Amount ?? available, request.Currency,
                    PayoutLifecycle.Pending, "awaiting_psp", null, reader.GetInt32(1), null, reader.GetFieldValue<DateTimeOffset>(2));
                result = new PayoutInsert.Inserted(row, reader.GetString(3));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Counts a send attempt and leases the payout from now; null when it was sent or has ended.</summary>
    public async Task<AttemptMark?> MarkAttemptAsync(string payoutId, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(MarkAttempt);
        command.Parameters.AddWithValue(payoutId);
        command.Parameters.AddWithValue(lease);
        return await AttemptMark.ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task UpdatePendingAsync(string payoutId, string reason, TimeSpan retryIn, bool keySettled, string? pspStatus, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(UpdatePending);
        command.Parameters.AddWithValue(payoutId);
        command.Parameters.AddWithValue(reason);
        command.Parameters.AddWithValue(retryIn);
        command.Parameters.AddWithValue(keySettled);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = pspStatus, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records the PSP's payout as ours, with its journal; false when it was recorded before (or the payout ended).</summary>
    public async Task<bool> RecordSentAsync(string payoutId, string pspPayoutId, string pspStatus, string actor, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(RecordSent);
        command.Parameters.AddWithValue(payoutId);
        command.Parameters.AddWithValue(pspPayoutId);
        command.Parameters.AddWithValue(pspStatus);
        command.Parameters.AddWithValue(actor);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 1;
    }

    /// <summary>Moves the payout from <paramref name="from"/> to <paramref name="to"/>; false when it was no longer in <paramref name="from"/>.</summary>
    public async Task<bool> FinishAsync(
        string payoutId, string from, string to, string? pspStatus, string? failureCode, string? failureMessage, string actor, string reason,
        CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(Finish);
        command.Parameters.AddWithValue(payoutId);
        command.Parameters.AddWithValue(from);
        command.Parameters.AddWithValue(to);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = pspStatus, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = failureCode, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = failureMessage, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(actor);
        command.Parameters.AddWithValue(reason);
        command.Parameters.AddWithValue(Ids.NewEventId());
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 1;
    }

    /// <summary>Claims pending payouts whose next look is due, leasing each from now.</summary>
    public async Task<IReadOnlyList<PayoutRow>> ClaimDueAsync(int limit, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(ClaimDue);
        command.Parameters.AddWithValue(limit);
        command.Parameters.AddWithValue(lease);
        return await ReadRowsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<PayoutRow>> ReadRowsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<PayoutRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new PayoutRow(
                reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                reader.GetInt64(4), reader.GetString(5), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetInt32(9),
                reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10), reader.GetFieldValue<DateTimeOffset>(11)));
        }

        return rows;
    }
}
