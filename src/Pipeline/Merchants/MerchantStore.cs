using System.Collections.Concurrent;
using Npgsql;

namespace Payments.Pipeline.Merchants;

/// <summary>
/// Merchants are read on every request (authentication) and every capture (fee), and change
/// only when seeded, so lookups are cached for a short while.
/// </summary>
public sealed class MerchantStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (Merchant? Merchant, DateTimeOffset Expires)> _byKeyHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (Merchant? Merchant, DateTimeOffset Expires)> _byId = new(StringComparer.Ordinal);

    private const string SelectByKeyHash = """
        SELECT id, name, fee_bps, fee_fixed
        FROM merchants
        WHERE api_key_hash = $1
        """;

    private const string SelectById = """
        SELECT id, name, fee_bps, fee_fixed
        FROM merchants
        WHERE id = $1
        """;

    // Seeding is repeatable: the configured key and fee win over what was stored. The
    // merchant's payable account exists from the start, so a capture's journal can post to it.
    private const string UpsertMerchant = """
        WITH merchant AS (
            INSERT INTO merchants (id, name, api_key_hash, fee_bps, fee_fixed)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (id) DO UPDATE
            SET name = excluded.name, api_key_hash = excluded.api_key_hash,
                fee_bps = excluded.fee_bps, fee_fixed = excluded.fee_fixed
            RETURNING id
        )
        INSERT INTO ledger_accounts (id, kind, merchant_id)
        SELECT 'merchant_payable:' || id, 'liability', id
        FROM merchant
        ON CONFLICT (id) DO NOTHING
        """;

    public async Task<Merchant?> FindByApiKeyAsync(string apiKey, CancellationToken cancellationToken = default)
    {
        var hash = ApiKeys.Hash(apiKey);
        var cacheKey = Convert.ToHexString(hash);
        if (_byKeyHash.TryGetValue(cacheKey, out var cached) && cached.Expires > clock.GetUtcNow())
        {
            return cached.Merchant;
        }

        await using var command = dataSource.CreateCommand(SelectByKeyHash);
        command.Parameters.AddWithValue(hash);
        var merchant = await ReadOneAsync(command, cancellationToken).ConfigureAwait(false);
        _byKeyHash[cacheKey] = (merchant, clock.GetUtcNow() + CacheFor);
        return merchant;
    }

    public async Task<Merchant?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        if (_byId.TryGetValue(id, out var cached) && cached.Expires > clock.GetUtcNow())
        {
            return cached.Merchant;
        }

        await using var command = dataSource.CreateCommand(SelectById);
        command.Parameters.AddWithValue(id);
        var merchant = await ReadOneAsync(command, cancellationToken).ConfigureAwait(false);
        _byId[id] = (merchant, clock.GetUtcNow() + CacheFor);
        return merchant;
    }

    public async Task UpsertAsync(Merchant merchant, string apiKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(merchant);
        await using var command = dataSource.CreateCommand(UpsertMerchant);
        command.Parameters.AddWithValue(merchant.Id);
        command.Parameters.AddWithValue(merchant.Name);
        command.Parameters.AddWithValue(ApiKeys.Hash(apiKey));
        command.Parameters.AddWithValue(merchant.FeeBasisPoints);
        command.Parameters.AddWithValue(merchant.FeeFixed);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        _byId.Clear();
        _byKeyHash.Clear();
    }

    private static async Task<Merchant?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new Merchant(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3))
            : null;
    }
}
