using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Payments.Pipeline.Merchants;

namespace Payments.Pipeline.Operators;

/// <summary>
/// The operator's key, stored hashed at start (after migration: hosted services start in
/// registration order) and checked against the stored hash, so every instance on the database
/// agrees on it and none keeps the key itself.
/// </summary>
public sealed class OperatorKeyStore(NpgsqlDataSource dataSource, IOptions<OperatorOptions> options, TimeProvider clock) : IHostedService
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private const string Upsert = """
        INSERT INTO operator_keys (id, api_key_hash) VALUES ('operator', $1)
        ON CONFLICT (id) DO UPDATE SET api_key_hash = excluded.api_key_hash, created_at = now()
        WHERE operator_keys.api_key_hash <> excluded.api_key_hash
        """;

    private const string SelectHash = "SELECT api_key_hash FROM operator_keys WHERE id = 'operator'";

    private (byte[]? Hash, DateTimeOffset Expires) _cached;

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

        await using var command = dataSource.CreateCommand(Upsert);
        command.Parameters.AddWithValue(ApiKeys.Hash(key));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Whether <paramref name="apiKey"/> is the operator's (compared in constant time).</summary>
    public async Task<bool> IsOperatorKeyAsync(string apiKey, CancellationToken cancellationToken = default)
    {
        var stored = _cached.Expires > clock.GetUtcNow() ? _cached.Hash : await LoadAsync(cancellationToken).ConfigureAwait(false);
        return stored is not null && CryptographicOperations.FixedTimeEquals(stored, ApiKeys.Hash(apiKey));
    }

    private async Task<byte[]?> LoadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SelectHash);
        var hash = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
        _cached = (hash, clock.GetUtcNow() + CacheFor);
        return hash;
    }
}
