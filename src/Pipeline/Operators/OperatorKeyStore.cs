using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Payments.Pipeline.Merchants;

namespace Payments.Pipeline.Operators;

/// <summary>
/// The operator's keys, stored hashed at start (after migration: hosted services start in
/// registration order) and checked against the stored hashes, so every instance on the database
/// agrees on them and none keeps a key itself. Each instance adds the key it is configured with:
/// during a rolling key change the old key and the new one both work, until the operator's
/// cut-off (<see cref="KeyOptions.RevokeConfiguredBefore"/>) ends the old one.
/// </summary>
public sealed class OperatorKeyStore(
    NpgsqlDataSource dataSource, IOptions<OperatorOptions> options, IOptions<KeyOptions> keyOptions, TimeProvider clock, ILogger<OperatorKeyStore> logger)
    : IHostedService
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    // Inserted once (starting again changes nothing); a key revoked stays revoked.
    private const string Insert = """
        INSERT INTO operator_keys (id, api_key_hash) VALUES ($1, $2)
        ON CONFLICT (api_key_hash) DO NOTHING
        """;

    // Another key ends only at the operator's cut-off, or when this one was generated for the run
    // (the embedded run's), which replaces the one generated at the last start.
    private const string RevokeOthers = """
        UPDATE operator_keys
        SET revoked_at = now()
        WHERE api_key_hash <> $1 AND ($2 OR created_at < $3) AND (revoked_at IS NULL OR revoked_at > now())
        """;

    // Whether this key works, and how many others still do.
    private const string SelectLiveness = """
        SELECT count(*) FILTER (WHERE api_key_hash = $1), count(*) FILTER (WHERE api_key_hash <> $1)
        FROM operator_keys
        WHERE revoked_at IS NULL OR revoked_at > now()
        """;

    private const string SelectLiveHashes = "SELECT api_key_hash FROM operator_keys WHERE revoked_at IS NULL OR revoked_at > now()";

    private (IReadOnlyList<byte[]> Hashes, DateTimeOffset Expires) _cached = ([], DateTimeOffset.MinValue);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // A platform without an operator key could not reconcile or read its ledger: refused at
        // start, where it is noticed, rather than at the first 401 of an operator in need.
        if (options.Value.ApiKey is not { Length: > 0 } key)
        {
            throw new InvalidOperationException(
                "Operator:ApiKey (environment Operator__ApiKey) is not set: the platform operator's API (reconciliation, ledger, keys) needs it. "
                + "Generate one, e.g. sk_operator_ followed by 40 hex digits (openssl rand -hex 20).");
        }

        if (key.Length < ApiKeys.MinLength)
        {
            throw new InvalidOperationException(
                $"Operator:ApiKey (environment Operator__ApiKey) must be at least {ApiKeys.MinLength} characters: a short key can be guessed.");
        }

        var hash = ApiKeys.Hash(key);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = new NpgsqlCommand(Insert, connection, transaction))
        {
            insert.Parameters.AddWithValue(ApiKeys.NewId());
            insert.Parameters.AddWithValue(hash);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (options.Value.Generated || keyOptions.Value.RevokeConfiguredBefore is not null)
        {
            await using var revoke = new NpgsqlCommand(RevokeOthers, connection, transaction);
            revoke.Parameters.AddWithValue(hash);
            revoke.Parameters.AddWithValue(options.Value.Generated);
            revoke.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = keyOptions.Value.RevokeConfiguredBefore, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            await revoke.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long live, othersLive;
        await using (var liveness = new NpgsqlCommand(SelectLiveness, connection, transaction))
        {
            liveness.Parameters.AddWithValue(hash);
            await using var reader = await liveness.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            (live, othersLive) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (live == 0)
        {
            Log.ConfiguredOperatorKeyRevoked(logger);
        }

        if (othersLive > 0)
        {
            Log.OtherOperatorKeysLive(logger, othersLive);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Whether <paramref name="apiKey"/> is one of the operator's live keys (compared in constant time).</summary>
    public async Task<bool> IsOperatorKeyAsync(string apiKey, CancellationToken cancellationToken = default)
    {
        var stored = _cached.Expires > clock.GetUtcNow() ? _cached.Hashes : await LoadAsync(cancellationToken).ConfigureAwait(false);
        var hash = ApiKeys.Hash(apiKey);
        var found = false;
        foreach (var candidate in stored)
        {
            // No early exit: the time taken does not tell which key matched.
            found |= CryptographicOperations.FixedTimeEquals(candidate, hash);
        }

        return found;
    }

    private async Task<IReadOnlyList<byte[]>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SelectLiveHashes);
        var hashes = new List<byte[]>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                hashes.Add(reader.GetFieldValue<byte[]>(0));
            }
        }

        _cached = (hashes, clock.GetUtcNow() + CacheFor);
        return hashes;
    }
}
