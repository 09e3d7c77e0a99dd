using Npgsql;
using Payments.Pipeline.Observability;
using Prometheus;
using Payments.Pipeline.Storage;

namespace Payments.Pipeline.Merchants;

/// <summary>
/// Merchants' API keys, as rows (<c>api_keys</c>): seeded from configuration, rolled and revoked
/// by the operator. Authentication looks a key up here on every request and caches nothing: a
/// revoked key must stop working at once on every instance, and a cache would keep it alive (the
/// 30 s cache this replaced did) or, for unknown keys, grow with every key a client invents. The
/// lookup is one primary-key-sized index probe on the key's hash (see the README's measurement).
/// </summary>
public sealed class ApiKeyStore
{
    private const string SelectMerchantByKeyHash = """
        SELECT m.id, m.name, m.fee_bps, m.fee_fixed, m.duplicate_policy
        FROM api_keys AS k
        JOIN merchants AS m ON m.id = k.merchant_id
        WHERE k.key_hash = $1
          AND (k.revoked_at IS NULL OR k.revoked_at > now())
        """;

    // A configured key is inserted once (reseeding it changes nothing), and one that was revoked
    // stays revoked: a restart must not bring back a key the operator took away.
    private const string InsertConfigured = """
        INSERT INTO api_keys (id, merchant_id, key_hash, prefix, origin)
        VALUES ($1, $2, $3, $4, 'configured')
        ON CONFLICT (key_hash) DO NOTHING
        """;

    private const string SelectKeyOwner = """
        SELECT merchant_id, revoked_at IS NOT NULL AND revoked_at <= now()
        FROM api_keys
        WHERE key_hash = $1
        """;

    // A configured key ends no other by itself: during a rolling key change the instances still
    // running with the key configured before keep their callers. Only the operator's cut-off
    // (Keys:RevokeConfiguredBefore) or a generated demo key, which replaces the one generated at
    // the last start, ends the merchant's other configured keys; keys the operator rolled stay.
    private const string RevokeOtherConfigured = """
        UPDATE api_keys
        SET revoked_at = now()
        WHERE merchant_id = $1 AND origin = 'configured' AND key_hash <> $2
          AND ($3 OR created_at < $4)
          AND (revoked_at IS NULL OR revoked_at > now())
        """;

    private const string CountOtherLiveConfigured = """
        SELECT count(*)
        FROM api_keys
        WHERE merchant_id = $1 AND origin = 'configured' AND key_hash <> $2
          AND (revoked_at IS NULL OR revoked_at > now())
        """;

    // Held for the roll's transaction: concurrent rolls of one merchant's keys take turns, so a
    // replay always finds the key its first request made.
    private const string LockMerchant = "SELECT 1 FROM merchants WHERE id = $1 FOR UPDATE";

    private const string SelectRolled = """
        SELECT api_key_json(k)::text, k.roll_request_hash
        FROM api_keys AS k
        WHERE k.merchant_id = $1 AND k.roll_key = $2
        """;

    // The old keys end after the grace period, never later than they were already to end.
    private const string ExpireOthers = """
        UPDATE api_keys
        SET revoked_at = now() + make_interval(secs => $2)
        WHERE merchant_id = $1
          AND (revoked_at IS NULL OR revoked_at > now() + make_interval(secs => $2))
        """;

    private const string InsertRolled = """
        INSERT INTO api_keys AS k (id, merchant_id, key_hash, prefix, origin, roll_key, roll_request_hash)
        VALUES ($1, $2, $3, $4, 'rolled', $5, $6)
        RETURNING api_key_json(k)::text
        """;

    private const string Revoke = """
        UPDATE api_keys AS k
        SET revoked_at = CASE WHEN k.revoked_at IS NULL OR k.revoked_at > now() THEN now() ELSE k.revoked_at END
        WHERE k.id = $2 AND k.merchant_id = $1
        RETURNING api_key_json(k)::text
        """;

    private const string SelectMerchantExists = "SELECT 1 FROM merchants WHERE id = $1";

    private const string SelectPage = """
        SELECT api_key_json(k)::text
        FROM api_keys AS k
        WHERE k.merchant_id = $1
        ORDER BY k.created_at DESC, k.id DESC
        LIMIT $2
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly Counter _lookups;
    private long _lookupCount;

    public ApiKeyStore(NpgsqlDataSource dataSource, PaymentsMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _dataSource = dataSource;
        _lookups = metrics.Counter("payments_api_key_lookups_total",
            "API keys looked up in the database to authenticate a request, by outcome (found or unknown).", "outcome");
    }

    /// <summary>Database lookups of a key made so far (every authentication with a key makes one).</summary>
    public long Lookups => Interlocked.Read(ref _lookupCount);

    /// <summary>The merchant whose live key this is; null for an unknown, revoked or expired key.</summary>
    public async Task<Merchant?> FindMerchantAsync(string apiKey, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _lookupCount);
        await using var command = _dataSource.CreateCommand(SelectMerchantByKeyHash);
        command.Parameters.AddWithValue(ApiKeys.Hash(apiKey));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var merchant = await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new Merchant(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetString(4))
            : null;
        _lookups.WithLabels(merchant is null ? "unknown" : "found").Inc();
        return merchant;
    }

    /// <summary>
    /// Adds <paramref name="apiKey"/> as one of the merchant's configured keys. Its other configured
    /// keys end only when <paramref name="replaceOthers"/> (a generated demo key) or when they were
    /// created before <paramref name="revokeConfiguredBefore"/> (the operator's cut-off). Answers
    /// whether the key works (false: it was revoked, and stays so) and how many other configured
    /// keys of the merchant still work. Throws when the key is another merchant's.
    /// </summary>
    public async Task<(bool Live, long OtherConfiguredLive)> SeedConfiguredAsync(
        string merchantId, string apiKey, bool replaceOthers, DateTimeOffset? revokeConfiguredBefore, CancellationToken cancellationToken = default)
    {
        var hash = ApiKeys.Hash(apiKey);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = new NpgsqlCommand(InsertConfigured, connection, transaction))
        {
            insert.Parameters.AddWithValue(ApiKeys.NewId());
            insert.Parameters.AddWithValue(merchantId);
            insert.Parameters.AddWithValue(hash);
            insert.Parameters.AddWithValue(ApiKeys.PrefixOf(apiKey));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        bool revoked;
        await using (var owner = new NpgsqlCommand(SelectKeyOwner, connection, transaction))
        {
            owner.Parameters.AddWithValue(hash);
            await using var reader = await owner.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (reader.GetString(0) != merchantId)
            {
                throw new InvalidOperationException($"The key configured for merchant {merchantId} is another merchant's key: each merchant needs its own.");
            }

            revoked = reader.GetBoolean(1);
        }

        await using (var others = new NpgsqlCommand(RevokeOtherConfigured, connection, transaction))
        {
            others.Parameters.AddWithValue(merchantId);
            others.Parameters.AddWithValue(hash);
            others.Parameters.AddWithValue(replaceOthers);
            others.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = revokeConfiguredBefore, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            await others.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long otherLive;
        await using (var count = new NpgsqlCommand(CountOtherLiveConfigured, connection, transaction))
        {
            count.Parameters.AddWithValue(merchantId);
            count.Parameters.AddWithValue(hash);
            otherLive = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (!revoked, otherLive);
    }

    /// <summary>
    /// A new key for the merchant; its other keys end <paramref name="expireOldInSeconds"/> from now
    /// (0: at once). Bound to the operator's Idempotency-Key and request hash.
    /// </summary>
    internal async Task<KeyRoll> RollAsync(string merchantId, string rollKey, byte[] requestHash, int expireOldInSeconds, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockMerchant = new NpgsqlCommand(LockMerchant, connection, transaction))
        {
            lockMerchant.Parameters.AddWithValue(merchantId);
            if (await lockMerchant.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                return new KeyRoll.UnknownMerchant();
            }
        }

        await using (var rolled = new NpgsqlCommand(SelectRolled, connection, transaction))
        {
            rolled.Parameters.AddWithValue(merchantId);
            rolled.Parameters.AddWithValue(rollKey);
            await using var reader = await rolled.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return reader.GetFieldValue<byte[]>(1).AsSpan().SequenceEqual(requestHash)
                    ? new KeyRoll.Replayed(reader.GetString(0))
                    : new KeyRoll.KeyReused();
            }
        }

        await using (var expire = new NpgsqlCommand(ExpireOthers, connection, transaction))
        {
            expire.Parameters.AddWithValue(merchantId);
            expire.Parameters.AddWithValue((double)expireOldInSeconds);
            await expire.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var secret = ApiKeys.Generate(merchantId == DemoMerchantOptions.Id ? ApiKeys.TestPrefix : ApiKeys.LivePrefix);
        string json;
        await using (var insert = new NpgsqlCommand(InsertRolled, connection, transaction))
        {
            insert.Parameters.AddWithValue(ApiKeys.NewId());
            insert.Parameters.AddWithValue(merchantId);
            insert.Parameters.AddWithValue(ApiKeys.Hash(secret));
            insert.Parameters.AddWithValue(ApiKeys.PrefixOf(secret));
            insert.Parameters.AddWithValue(rollKey);
            insert.Parameters.AddWithValue(requestHash);
            json = (string)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new KeyRoll.Rolled(json, secret);
    }

    /// <summary>Revokes one key now (a key already revoked stays as it is); null when the merchant has no such key.</summary>
    internal async Task<string?> RevokeAsync(string merchantId, string keyId, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(Revoke);
        command.Parameters.AddWithValue(merchantId);
        command.Parameters.AddWithValue(keyId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>The merchant's keys, newest first (at most <paramref name="limit"/>); null for an unknown merchant.</summary>
    internal async Task<IReadOnlyList<string>?> ListAsync(string merchantId, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var exists = new NpgsqlCommand(SelectMerchantExists, connection))
        {
            exists.Parameters.AddWithValue(merchantId);
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                return null;
            }
        }

        await using var page = new NpgsqlCommand(SelectPage, connection);
        page.Parameters.AddWithValue(merchantId);
        page.Parameters.AddWithValue(limit);
        return await page.ReadTextRowsAsync(cancellationToken).ConfigureAwait(false);
    }
}
