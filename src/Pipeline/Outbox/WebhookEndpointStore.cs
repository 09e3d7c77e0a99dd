using Npgsql;
using NpgsqlTypes;

namespace Payments.Pipeline.Outbox;

/// <summary>The SQL of merchant webhook endpoints.</summary>
internal sealed class WebhookEndpointStore(NpgsqlDataSource dataSource)
{
    // The signing secret is part of this answer only (and of its idempotent replays): a client
    // whose first answer was lost must still be able to learn it, with the same key.
    private const string InsertEndpoint = """
        WITH inserted AS (
            INSERT INTO webhook_endpoints (id, merchant_id, url, secret, idempotency_key, request_hash)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (merchant_id, idempotency_key) DO NOTHING
            RETURNING *
        )
        SELECT (webhook_endpoint_json(inserted) || jsonb_build_object('secret', inserted.secret))::text
        FROM inserted
        """;

    private const string SelectByIdempotencyKey = """
        SELECT request_hash, (webhook_endpoint_json(e) || jsonb_build_object('secret', e.secret))::text
        FROM webhook_endpoints AS e
        WHERE merchant_id = $1 AND idempotency_key = $2
        """;

    private const string SelectJsonById = """
        SELECT webhook_endpoint_json(e)::text
        FROM webhook_endpoints AS e
        WHERE id = $1 AND merchant_id = $2 AND status = 'enabled'
        """;

    // Serves GET /v1/webhook_endpoints through webhook_endpoints_merchant, newest first.
    private const string SelectPage = """
        SELECT webhook_endpoint_json(e)::text
        FROM webhook_endpoints AS e
        WHERE merchant_id = $1
          AND status = 'enabled'
          AND ($2::text IS NULL OR (created_at, id) < (
                SELECT created_at, id FROM webhook_endpoints WHERE id = $2 AND merchant_id = $1))
        ORDER BY created_at DESC, id DESC
        LIMIT $3
        """;

    // Deleting keeps the row (deliveries and keys refer to it) and cancels what was still
    // waiting for it; an attempt in flight finds its row no longer pending and changes nothing.
    private const string DeleteEndpoint = """
        WITH deleted AS (
            UPDATE webhook_endpoints
            SET status = 'deleted', deleted_at = now()
            WHERE id = $1 AND merchant_id = $2 AND status = 'enabled'
            RETURNING id
        ),
        cancelled AS (
            UPDATE webhook_deliveries
            SET status = 'cancelled', updated_at = now()
            WHERE endpoint_id IN (SELECT id FROM deleted) AND status = 'pending'
        )
        SELECT id
        FROM deleted
        """;

    /// <summary>Creates the endpoint, or finds the one this idempotency key created.</summary>
    public async Task<EndpointCreation> CreateAsync(
        string id, string merchantId, string url, string secret, string idempotencyKey, byte[] requestHash, CancellationToken cancellationToken = default)
    {
        await using (var insert = dataSource.CreateCommand(InsertEndpoint))
        {
            insert.Parameters.AddWithValue(id);
            insert.Parameters.AddWithValue(merchantId);
            insert.Parameters.AddWithValue(url);
            insert.Parameters.AddWithValue(secret);
            insert.Parameters.AddWithValue(idempotencyKey);
            insert.Parameters.AddWithValue(requestHash);
            if (await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string created)
            {
                return new EndpointCreation.Created(created, Replayed: false);
            }
        }

        await using var select = dataSource.CreateCommand(SelectByIdempotencyKey);
        select.Parameters.AddWithValue(merchantId);
        select.Parameters.AddWithValue(idempotencyKey);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("The endpoint's idempotency key conflicted, yet no endpoint holds it.");
        }

        return reader.GetFieldValue<byte[]>(0).AsSpan().SequenceEqual(requestHash)
            ? new EndpointCreation.Created(reader.GetString(1), Replayed: true)
            : new EndpointCreation.KeyReused();
    }

    public async Task<string?> FindJsonAsync(string merchantId, string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectJsonById);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(merchantId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>One page of the merchant's endpoints, newest first; one more than asked tells if there are more.</summary>
    public async Task<IReadOnlyList<string>> ListJsonAsync(string merchantId, string? startingAfter, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectPage);
        command.Parameters.AddWithValue(merchantId);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = startingAfter, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(limit);
        var page = new List<string>(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            page.Add(reader.GetString(0));
        }

        return page;
    }

    /// <summary>Deletes an enabled endpoint of the merchant; false when there is none.</summary>
    public async Task<bool> DeleteAsync(string merchantId, string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(DeleteEndpoint);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(merchantId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string;
    }
}
