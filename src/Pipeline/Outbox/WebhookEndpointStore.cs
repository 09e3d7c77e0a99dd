using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Payments.Pipeline.Secrets;
using Payments.Pipeline.Storage;

namespace Payments.Pipeline.Outbox;

/// <summary>The SQL of merchant webhook endpoints.</summary>
internal sealed class WebhookEndpointStore(NpgsqlDataSource dataSource, SecretSealer sealer, IOptions<WebhookOptions> options)
{
    // Creations of one merchant's endpoints take turns on its row, so that the count below sees
    // every endpoint committed before it (a second statement: under READ COMMITTED it takes its
    // snapshot after the lock is granted). NO KEY UPDATE does not conflict with the KEY SHARE
    // locks that foreign keys to merchants take, so charges are not held up meanwhile.
    private const string LockMerchant = """
        SELECT 1
        FROM merchants
        WHERE id = $1
        FOR NO KEY UPDATE
        """;

    // The cap is a condition of the insert itself, not a read in C# followed by a write. A
    // refused request records nothing, its idempotency key included. The signing secret is
    // stored sealed only (SecretSealer) and shown in this answer alone, added by the caller:
    // the plaintext never reaches the database, not even as a parameter.
    private const string InsertEndpoint = """
        INSERT INTO webhook_endpoints AS e (id, merchant_id, url, secret_key_id, secret_sealed, idempotency_key, request_hash)
        SELECT $1, $2, $3, $4, $5, $6, $7
        WHERE (SELECT count(*) FROM webhook_endpoints WHERE merchant_id = $2 AND status = 'enabled') < $8
        ON CONFLICT (merchant_id, idempotency_key) DO NOTHING
        RETURNING webhook_endpoint_json(e)::text
        """;

    // A replay answers the endpoint without its secret: the contract shows the secret once.
    private const string SelectByIdempotencyKey = """
        SELECT request_hash, webhook_endpoint_json(e)::text
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

    private readonly int _maxEndpoints = options.Value.MaxEndpointsPerMerchant;

    /// <summary>What a sealed signing secret is bound to: its endpoint (a sealed value copied to another row does not open).</summary>
    public static string SealingContext(string endpointId) => "webhook_endpoints.secret:" + endpointId;

    /// <summary>
    /// Creates the endpoint (within the merchant's cap), or finds the one this idempotency key
    /// created. Only a new endpoint's answer carries <paramref name="secret"/>.
    /// </summary>
    public async Task<EndpointCreation> CreateAsync(
        string id, string merchantId, string url, string secret, string idempotencyKey, byte[] requestHash, CancellationToken cancellationToken = default)
    {
        var sealedSecret = sealer.Seal(secret, SealingContext(id));

        // One batch is one implicit transaction: the merchant's lock is held until the insert commits.
        await using (var batch = dataSource.CreateBatch())
        {
            var lockMerchant = new NpgsqlBatchCommand(LockMerchant);
            lockMerchant.Parameters.AddWithValue(merchantId);
            var insert = new NpgsqlBatchCommand(InsertEndpoint);
            insert.Parameters.AddWithValue(id);
            insert.Parameters.AddWithValue(merchantId);
            insert.Parameters.AddWithValue(url);
            insert.Parameters.AddWithValue(sealedSecret.KeyId);
            insert.Parameters.AddWithValue(sealedSecret.Sealed);
            insert.Parameters.AddWithValue(idempotencyKey);
            insert.Parameters.AddWithValue(requestHash);
            insert.Parameters.AddWithValue((long)_maxEndpoints);
            batch.BatchCommands.Add(lockMerchant);
            batch.BatchCommands.Add(insert);
            await using var inserted = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await inserted.NextResultAsync(cancellationToken).ConfigureAwait(false);
            if (await inserted.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var created = JsonNode.Parse(inserted.GetString(0))!.AsObject();
                created["secret"] = secret;
                return new EndpointCreation.Created(created.ToJsonString(), Replayed: false);
            }
        }

        // Not inserted: the key was used before (a replay, or another request), or the cap is reached.
        await using var select = dataSource.CreateCommand(SelectByIdempotencyKey);
        select.Parameters.AddWithValue(merchantId);
        select.Parameters.AddWithValue(idempotencyKey);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return new EndpointCreation.LimitReached(_maxEndpoints);
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
        return await command.ReadTextRowsAsync(cancellationToken).ConfigureAwait(false);
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
