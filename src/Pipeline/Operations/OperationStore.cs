using Npgsql;
using NpgsqlTypes;
using Payments.Pipeline.Charges;
using Payments.Pipeline.Disputes;
using Payments.Pipeline.Moves;
using Payments.Pipeline.Storage;

namespace Payments.Pipeline.Operations;

/// <summary>The SQL of captures, voids and refunds. The rules live in <see cref="ChargeProcessor"/>.</summary>
public sealed class OperationStore(NpgsqlDataSource dataSource)
{
    private const string SelectOperationByKey = """
        SELECT id, charge_id, request_hash, status
        FROM charge_operations
        WHERE merchant_id = $1 AND kind = $2 AND idempotency_key = $3
        """;

    private const string SelectRefundByKey = """
        SELECT id, charge_id, request_hash, status, refund_json(r)::text
        FROM refunds AS r
        WHERE merchant_id = $1 AND idempotency_key = $2
        """;

    private const string SelectRefundJson = """
        SELECT status, refund_json(r)::text
        FROM refunds AS r
        WHERE id = $1 AND merchant_id = $2
        """;

    private const string SelectRefundsOfCharge = """
        SELECT refund_json(r)::text
        FROM refunds AS r
        WHERE charge_id = $1 AND merchant_id = $2
        ORDER BY created_at, id
        """;

    // Serves the "previous step still open" check through the two pending-only indexes.
    private const string SelectOpenSteps = """
        SELECT o.id, o.kind, o.amount, o.pending_reason, o.attempt_count, o.psp_key_settled_at, NULL::text
        FROM charge_operations AS o
        WHERE o.charge_id = $1 AND o.status = 'pending'
        UNION ALL
        SELECT r.id, 'refund', r.amount, r.pending_reason, r.attempt_count, r.psp_key_settled_at, r.psp_reference
        FROM refunds AS r
        WHERE r.charge_id = $1 AND r.status = 'pending'
        """;

    // The one-open-operation-per-charge index and the key's unique constraint both make
    // this insert do nothing; the caller then finds out which.
    private const string InsertOperation = """
        INSERT INTO charge_operations (id, charge_id, merchant_id, kind, idempotency_key, request_hash, amount, next_attempt_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, now() + $8::interval)
        ON CONFLICT DO NOTHING
        RETURNING id
        """;

    // A lost dispute took its amount for good: only the rest can still be refunded.
    private const string LockChargeForRefund = """
        SELECT c.status, c.amount_captured, c.amount_refunded, c.currency,
               (SELECT coalesce(sum(amount), 0) FROM refunds WHERE charge_id = $1 AND status = 'pending')::bigint,
               d.status, CASE WHEN d.status = 'lost' THEN d.amount ELSE 0 END
        FROM charges AS c
        LEFT JOIN disputes AS d ON d.id = c.dispute_id
        WHERE c.id = $1 AND c.merchant_id = $2
        FOR UPDATE OF c
        """;

    private const string InsertRefund = """
        INSERT INTO refunds (id, charge_id, merchant_id, idempotency_key, request_hash, amount, currency, reason, next_attempt_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + $9::interval)
        ON CONFLICT DO NOTHING
        RETURNING refund_json(refunds)::text
        """;

    private const string MarkOperationAttempt = """
        UPDATE charge_operations
        SET attempt_count = attempt_count + 1, next_attempt_at = now() + $2::interval, updated_at = now()
        WHERE id = $1 AND status = 'pending'
        RETURNING 0, attempt_count, now(), created_at
        """;

    private const string MarkRefundAttempt = """
        UPDATE refunds
        SET attempt_count = attempt_count + 1, next_attempt_at = now() + $2::interval, updated_at = now()
        WHERE id = $1 AND status = 'pending'
        RETURNING 0, attempt_count, now(), created_at
        """;

    private const string UpdateOperationPending = """
        UPDATE charge_operations
        SET pending_reason = $2, next_attempt_at = now() + $3::interval,
            psp_key_settled_at = coalesce(psp_key_settled_at, CASE WHEN $4 THEN now() END), updated_at = now()
        WHERE id = $1 AND status = 'pending'
        """;

    private const string UpdateRefundPending = """
        UPDATE refunds
        SET pending_reason = $2, next_attempt_at = now() + $3::interval,
            psp_key_settled_at = coalesce(psp_key_settled_at, CASE WHEN $4 THEN now() END), updated_at = now()
        WHERE id = $1 AND status = 'pending'
        """;

    private const string FinishOperation = """
        UPDATE charge_operations
        SET status = $2, pending_reason = NULL, next_attempt_at = NULL, failure_code = $3, failure_message = $4, updated_at = now()
        WHERE id = $1 AND status = 'pending'
        """;

    // A refund's end as one statement: the refund, the charge's refunded amount and next event
    // sequence, and what every move writes (MoveRecords): the audit row, the event and, when it
    // succeeded, the reversing journal.
    private const string FinishRefund = $$"""
        WITH finished AS (
            UPDATE refunds
            SET status = $2, pending_reason = NULL, next_attempt_at = NULL, psp_reference = coalesce($3, psp_reference),
                failure_code = $4, failure_message = $5, updated_at = now()
            WHERE id = $1 AND status = 'pending'
            RETURNING *
        ),
        charge AS (
            UPDATE charges AS c
            SET amount_refunded = c.amount_refunded + CASE WHEN f.status = 'succeeded' THEN f.amount ELSE 0 END,
                last_event_sequence = c.last_event_sequence + 1, version = c.version + 1, updated_at = now()
            FROM finished AS f
            WHERE c.id = f.charge_id
            RETURNING c.id, c.merchant_id, c.last_event_sequence, CASE WHEN c.amount_split > 0 THEN c.amount_captured END AS split_captured
        ),
        moves AS (
            SELECT f.charge_id, f.id AS refund_id, NULL::text AS dispute_id, c.merchant_id, f.currency,
                   'refund pending' AS from_status, 'refund ' || f.status AS to_status, $6::text AS actor, $7::text AS reason,
                   $8::text AS event_id, 'refund.' || f.status AS event_type, c.last_event_sequence AS sequence, f.updated_at AS occurred_at,
                   refund_json(f::refunds) AS payload,
                   CASE WHEN f.status = 'succeeded' THEN 'refund' END AS posting, 'refund:' || f.id AS journal_reference,
                   f.amount AS posting_amount, 0::bigint AS fee, c.split_captured,
                   'refund ' || f.id || ' of ' || f.charge_id AS journal_description
            FROM finished AS f
            JOIN charge AS c ON c.id = f.charge_id
        ),
        {{MoveRecords.Write}}
        SELECT count(*)
        FROM finished
        """;

    // A refund made at the PSP directly becomes one of ours, once: the PSP's refund id is unique
    // among our refunds. It is recorded pending and ended in the same transaction by FinishRefund,
    // so its event, amount refunded and journal are those of any refund.
    private const string InsertPspRefund = """
        INSERT INTO refunds (id, charge_id, merchant_id, amount, currency, origin, psp_reference)
        SELECT $1, c.id, c.merchant_id, $3, c.currency, 'psp', $2
        FROM charges AS c
        WHERE c.id = $4
        ON CONFLICT (psp_reference) WHERE psp_reference IS NOT NULL DO NOTHING
        RETURNING id
        """;

    private const string ClaimDueOperations = """
        UPDATE charge_operations
        SET next_attempt_at = now() + $2::interval
        WHERE id IN (
            SELECT id
            FROM charge_operations
            WHERE status = 'pending' AND next_attempt_at <= now()
            ORDER BY next_attempt_at
            LIMIT $1
            FOR UPDATE SKIP LOCKED)
        RETURNING charge_id
        """;

    private const string ClaimDueRefunds = """
        UPDATE refunds
        SET next_attempt_at = now() + $2::interval
        WHERE id IN (
            SELECT id
            FROM refunds
            WHERE status = 'pending' AND next_attempt_at <= now()
            ORDER BY next_attempt_at
            LIMIT $1
            FOR UPDATE SKIP LOCKED)
        RETURNING charge_id
        """;

    public async Task<(string Id, string ChargeId, byte[] RequestHash, string Status)?> FindOperationByKeyAsync(
        string merchantId, string kind, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectOperationByKey);
        command.Parameters.AddWithValue(merchantId);
        command.Parameters.AddWithValue(kind);
        command.Parameters.AddWithValue(idempotencyKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? (reader.GetString(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2), reader.GetString(3))
            : null;
    }

    public async Task<(string Id, string ChargeId, byte[] RequestHash, string Status, string Json)?> FindRefundByKeyAsync(
        string merchantId, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectRefundByKey);
        command.Parameters.AddWithValue(merchantId);
        command.Parameters.AddWithValue(idempotencyKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? (reader.GetString(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2), reader.GetString(3), reader.GetString(4))
            : null;
    }

    public async Task<(string Status, string Json)?> FindRefundJsonAsync(string merchantId, string refundId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectRefundJson);
        command.Parameters.AddWithValue(refundId);
        command.Parameters.AddWithValue(merchantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    public async Task<IReadOnlyList<string>> ListRefundsJsonAsync(string merchantId, string chargeId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectRefundsOfCharge);
        command.Parameters.AddWithValue(chargeId);
        command.Parameters.AddWithValue(merchantId);
        return await command.ReadTextRowsAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<OpenStep>> OpenStepsAsync(string chargeId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectOpenSteps);
        command.Parameters.AddWithValue(chargeId);
        var steps = new List<OpenStep>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            steps.Add(new OpenStep(
                reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.GetString(3),
                reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return steps;
    }

    /// <summary>Records a capture or void; false when the key or another open operation was there first.</summary>
    public async Task<bool> InsertOperationAsync(string id, ChargeCommand command, string kind, long? amount, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        await using var insert = dataSource.CreateCommand(InsertOperation);
        insert.Parameters.AddWithValue(id);
        insert.Parameters.AddWithValue(command.ChargeId);
        insert.Parameters.AddWithValue(command.MerchantId);
        insert.Parameters.AddWithValue(kind);
        insert.Parameters.AddWithValue(command.IdempotencyKey);
        insert.Parameters.AddWithValue(command.RequestHash);
        insert.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = amount, NpgsqlDbType = NpgsqlDbType.Bigint });
        insert.Parameters.AddWithValue(lease);
        return await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string;
    }

    /// <summary>
    /// Records a refund if the charge is captured and the amount fits in what is neither
    /// refunded nor reserved by a pending refund. The charge row is locked meanwhile, so two
    /// instances refunding one charge at once cannot both fit in the same room.
    /// </summary>
    public async Task<RefundInsert> InsertRefundAsync(string id, RefundCommand command, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        string status;
        long refundable;
        string currency;
        string? disputeStatus;
        await using (var lockCharge = new NpgsqlCommand(LockChargeForRefund, connection, transaction))
        {
            lockCharge.Parameters.AddWithValue(command.ChargeId);
            lockCharge.Parameters.AddWithValue(command.MerchantId);
            await using var reader = await lockCharge.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return new RefundInsert.ChargeNotFound();
            }

            status = reader.GetString(0);
            refundable = reader.GetInt64(1) - reader.GetInt64(2) - reader.GetInt64(4) - reader.GetInt64(6);
            currency = reader.GetString(3);
            disputeStatus = reader.IsDBNull(5) ? null : reader.GetString(5);
        }

        if (status != ChargeStatus.Captured)
        {
            return new RefundInsert.NotCaptured(status);
        }

        if (disputeStatus is not null && DisputeLifecycle.IsOpen(disputeStatus))
        {
            // The PSP refuses a refund while a dispute is open; nothing is recorded or sent.
            return new RefundInsert.Disputed();
        }

        var amount = command.Amount ?? refundable;
        if (amount <= 0 || amount > refundable)
        {
            return new RefundInsert.Exceeds(Math.Max(0, refundable));
        }

        string? json;
        await using (var insert = new NpgsqlCommand(InsertRefund, connection, transaction))
        {
            insert.Parameters.AddWithValue(id);
            insert.Parameters.AddWithValue(command.ChargeId);
            insert.Parameters.AddWithValue(command.MerchantId);
            insert.Parameters.AddWithValue(command.IdempotencyKey);
            insert.Parameters.AddWithValue(command.RequestHash);
            insert.Parameters.AddWithValue(amount);
            insert.Parameters.AddWithValue(currency);
            insert.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = command.Reason, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.AddWithValue(lease);
            json = await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return json is null ? new RefundInsert.KeyTaken() : new RefundInsert.Inserted(amount, json);
    }

    /// <summary>Counts an attempt and leases the step from now; null when it has ended.</summary>
    public async Task<AttemptMark?> MarkAttemptAsync(OpenStep step, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(step);
        await using var command = dataSource.CreateCommand(step.Kind == OpenStep.Refund ? MarkRefundAttempt : MarkOperationAttempt);
        command.Parameters.AddWithValue(step.Id);
        command.Parameters.AddWithValue(lease);
        return await AttemptMark.ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task UpdatePendingAsync(OpenStep step, string reason, TimeSpan retryIn, bool keySettled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(step);
        await using var command = dataSource.CreateCommand(step.Kind == OpenStep.Refund ? UpdateRefundPending : UpdateOperationPending);
        command.Parameters.AddWithValue(step.Id);
        command.Parameters.AddWithValue(reason);
        command.Parameters.AddWithValue(retryIn);
        command.Parameters.AddWithValue(keySettled);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends a capture or void: the operation's status and, when it succeeded, the charge's
    /// move in the same transaction (so the two can never disagree). False, with nothing
    /// written, when the charge changed since it was read.
    /// </summary>
    public async Task<bool> FinishOperationAsync(
        string operationId, bool succeeded, string? failureCode, string? failureMessage, ChargeTransition? transition, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (transition is not null && !await ChargeStore.ApplyAsync(connection, transaction, transition, Ids.NewEventId(), cancellationToken).ConfigureAwait(false))
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        await using (var finish = new NpgsqlCommand(FinishOperation, connection, transaction))
        {
            finish.Parameters.AddWithValue(operationId);
            finish.Parameters.AddWithValue(succeeded ? "succeeded" : "failed");
            finish.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = failureCode, NpgsqlDbType = NpgsqlDbType.Text });
            finish.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = failureMessage, NpgsqlDbType = NpgsqlDbType.Text });
            await finish.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Ends a refund; false when it had already ended.</summary>
    public async Task<bool> FinishRefundAsync(
        string refundId, bool succeeded, string? pspReference, string? failureCode, string? failureMessage, string actor, string reason, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(FinishRefund);
        AddFinishParameters(command, refundId, succeeded, pspReference, failureCode, failureMessage, actor, reason);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 1;
    }

    private static void AddFinishParameters(
        NpgsqlCommand command, string refundId, bool succeeded, string? pspReference, string? failureCode, string? failureMessage, string actor, string reason)
    {
        command.Parameters.AddWithValue(refundId);
        command.Parameters.AddWithValue(succeeded ? "succeeded" : "failed");
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = pspReference, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = failureCode, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = failureMessage, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(actor);
        command.Parameters.AddWithValue(reason);
        command.Parameters.AddWithValue(Ids.NewEventId());
    }

    /// <summary>
    /// Records a succeeded refund made at the PSP directly as one of the charge's refunds (origin
    /// <c>psp</c>), with its event and journal; false when it was recorded before.
    /// </summary>
    public async Task<bool> RecordPspRefundAsync(string chargeId, string pspRefundId, long amount, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var refundId = Ids.NewRefundId();
        await using (var insert = new NpgsqlCommand(InsertPspRefund, connection, transaction))
        {
            insert.Parameters.AddWithValue(refundId);
            insert.Parameters.AddWithValue(pspRefundId);
            insert.Parameters.AddWithValue(amount);
            insert.Parameters.AddWithValue(chargeId);
            if (await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                return false;
            }
        }

        await using (var finish = new NpgsqlCommand(FinishRefund, connection, transaction))
        {
            AddFinishParameters(finish, refundId, true, pspRefundId, null, null, Actor.Psp, "refund made at the PSP directly");
            await finish.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Claims due open operations and refunds; answers their charges' ids.</summary>
    public async Task<IReadOnlyList<string>> ClaimDueAsync(int limit, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var chargeIds = new List<string>();
        foreach (var sql in new[] { ClaimDueOperations, ClaimDueRefunds })
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.AddWithValue(limit);
            command.Parameters.AddWithValue(lease);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                chargeIds.Add(reader.GetString(0));
            }
        }

        return chargeIds;
    }
}
