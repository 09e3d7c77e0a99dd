using Npgsql;
using NpgsqlTypes;
using Payments.Pipeline.Moves;
using Payments.Pipeline.Storage;

namespace Payments.Pipeline.Disputes;

/// <summary>The SQL of disputes. The rules live in <see cref="DisputeLifecycle"/>.</summary>
internal sealed class DisputeStore(NpgsqlDataSource dataSource)
{
    // A dispute the PSP opened becomes ours once (its id is unique among ours), opened as needing
    // a response, with the charge's disputed amount, the dispute.created event and the journal of
    // the money the PSP took (the amount and its fee).
    private const string Open = $$"""
        WITH opened AS (
            INSERT INTO disputes (id, charge_id, merchant_id, psp_reference, amount, currency, fee, reason, status)
            SELECT $1, c.id, c.merchant_id, $2, $3, c.currency, $4, $5, 'needs_response'
            FROM charges AS c
            WHERE c.id = $6
            ON CONFLICT (psp_reference) DO NOTHING
            RETURNING *
        ),
        charge AS (
            UPDATE charges AS c
            SET amount_disputed = o.amount, dispute_id = o.id,
                last_event_sequence = c.last_event_sequence + 1, version = c.version + 1, updated_at = now()
            FROM opened AS o
            WHERE c.id = o.charge_id
            RETURNING c.id, c.merchant_id, c.last_event_sequence, CASE WHEN c.amount_split > 0 THEN c.amount_captured END AS split_captured
        ),
        moves AS (
            SELECT o.charge_id, NULL::text AS refund_id, o.id AS dispute_id, c.merchant_id, o.currency,
                   NULL::text AS from_status, 'dispute needs_response' AS to_status, $7::text AS actor, 'dispute opened at the PSP' AS reason,
                   $8::text AS event_id, 'dispute.created' AS event_type, c.last_event_sequence AS sequence, o.created_at AS occurred_at,
                   dispute_json(o::disputes) AS payload,
                   'dispute' AS posting, 'dispute:' || o.id AS journal_reference, o.amount AS posting_amount, o.fee, c.split_captured,
                   'dispute ' || o.id || ' of ' || o.charge_id AS journal_description
            FROM opened AS o
            JOIN charge AS c ON c.id = o.charge_id
        ),
        {{MoveRecords.Write}}
        SELECT id
        FROM opened
        """;

    // One move of the lifecycle, only from the status it was decided from; a won dispute gives
    // the amount back (the fee stays taken).
    private const string Move = $$"""
        WITH moved AS (
            UPDATE disputes
            SET status = $2, updated_at = now()
            WHERE id = $1 AND status = $3
            RETURNING *
        ),
        charge AS (
            UPDATE charges AS c
            SET last_event_sequence = c.last_event_sequence + 1, version = c.version + 1, updated_at = now()
            FROM moved AS m
            WHERE c.id = m.charge_id
            RETURNING c.id, c.merchant_id, c.last_event_sequence, CASE WHEN c.amount_split > 0 THEN c.amount_captured END AS split_captured
        ),
        moves AS (
            SELECT m.charge_id, NULL::text AS refund_id, m.id AS dispute_id, c.merchant_id, m.currency,
                   'dispute ' || $3 AS from_status, 'dispute ' || m.status AS to_status, $4::text AS actor, $5::text AS reason,
                   $6::text AS event_id, $7::text AS event_type, c.last_event_sequence AS sequence, m.updated_at AS occurred_at,
                   dispute_json(m::disputes) AS payload,
                   CASE WHEN m.status = 'won' THEN 'dispute_won' END AS posting, 'dispute_won:' || m.id AS journal_reference,
                   m.amount AS posting_amount, 0::bigint AS fee, c.split_captured, 'dispute ' || m.id || ' won' AS journal_description
            FROM moved AS m
            JOIN charge AS c ON c.id = m.charge_id
        ),
        {{MoveRecords.Write}}
        SELECT count(*)
        FROM moved
        """;

    private const string SelectByPspReference = """
        SELECT id, status
        FROM disputes
        WHERE psp_reference = $1
        """;

    private const string SelectJson = """
        SELECT dispute_json(d)::text
        FROM disputes AS d
        WHERE id = $1 AND merchant_id = $2
        """;

    // The cursor is a row comparison from +infinity, as for charges (an index condition in the generic plan).
    private const string SelectPage = """
        SELECT dispute_json(d)::text
        FROM disputes AS d,
             (SELECT CASE WHEN $4::text IS NULL THEN 'infinity'::timestamptz
                          ELSE (SELECT created_at FROM disputes WHERE id = $4 AND merchant_id = $1) END AS created_at,
                     coalesce($4::text, '') AS id) AS after
        WHERE d.merchant_id = $1
          AND ($2::text IS NULL OR d.charge_id = $2)
          AND ($3::text IS NULL OR d.status = $3)
          AND (d.created_at, d.id) < (after.created_at, after.id)
        ORDER BY d.created_at DESC, d.id DESC
        LIMIT $5
        """;

    /// <summary>Our dispute for the PSP's, as (id, status); null when not recorded yet.</summary>
    public async Task<(string Id, string Status)?> FindByPspReferenceAsync(string pspDisputeId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectByPspReference);
        command.Parameters.AddWithValue(pspDisputeId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <summary>Records the PSP's dispute as ours, opened; null when it was recorded before.</summary>
    public async Task<string?> OpenAsync(string chargeId, string pspDisputeId, long amount, long fee, string reason, string actor, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(Open);
        command.Parameters.AddWithValue(Charges.Ids.NewDisputeId());
        command.Parameters.AddWithValue(pspDisputeId);
        command.Parameters.AddWithValue(amount);
        command.Parameters.AddWithValue(fee);
        command.Parameters.AddWithValue(reason);
        command.Parameters.AddWithValue(chargeId);
        command.Parameters.AddWithValue(actor);
        command.Parameters.AddWithValue(Charges.Ids.NewEventId());
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>Moves our dispute from <paramref name="from"/> to <paramref name="to"/>; false when it was no longer in <paramref name="from"/>.</summary>
    public async Task<bool> MoveAsync(string disputeId, string from, string to, string eventType, string actor, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(Move);
        command.Parameters.AddWithValue(disputeId);
        command.Parameters.AddWithValue(to);
        command.Parameters.AddWithValue(from);
        command.Parameters.AddWithValue(actor);
        command.Parameters.AddWithValue($"dispute {to} at the PSP");
        command.Parameters.AddWithValue(Charges.Ids.NewEventId());
        command.Parameters.AddWithValue(eventType);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 1;
    }

    public async Task<string?> FindJsonAsync(string merchantId, string disputeId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectJson);
        command.Parameters.AddWithValue(disputeId);
        command.Parameters.AddWithValue(merchantId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>One page of the merchant's disputes, newest first; one more than asked tells if there are more.</summary>
    public async Task<IReadOnlyList<string>> ListJsonAsync(
        string merchantId, string? chargeId, string? status, string? startingAfter, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectPage);
        command.Parameters.AddWithValue(merchantId);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = chargeId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = status, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = startingAfter, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(limit);
        return await command.ReadTextRowsAsync(cancellationToken).ConfigureAwait(false);
    }
}
