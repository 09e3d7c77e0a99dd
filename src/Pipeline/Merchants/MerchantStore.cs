using System.Collections.Concurrent;
using Npgsql;

namespace Payments.Pipeline.Merchants;

/// <summary>
/// Merchants are read on every capture (fee) and change only when seeded, so a merchant found by
/// id is cached for a short while. Only merchants that exist are cached, so the cache is bounded
/// by the merchants table; keys are <see cref="ApiKeyStore"/>'s and are never cached.
/// </summary>
public sealed class MerchantStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (Merchant Merchant, DateTimeOffset Expires)> _byId = new(StringComparer.Ordinal);

    private const string SelectById = """
        SELECT id, name, fee_bps, fee_fixed, duplicate_policy, bank_account
        FROM merchants
        WHERE id = $1
        """;

    // Seeding is repeatable: the configured fee wins over what was stored. The merchant's payable
    // account exists from the start, so a capture's journal can post to it.
    private const string UpsertMerchant = """
        WITH merchant AS (
            INSERT INTO merchants (id, name, fee_bps, fee_fixed, duplicate_policy, bank_account)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (id) DO UPDATE
            SET name = excluded.name, fee_bps = excluded.fee_bps, fee_fixed = excluded.fee_fixed,
                duplicate_policy = excluded.duplicate_policy, bank_account = excluded.bank_account
            RETURNING id
        )
        INSERT INTO ledger_accounts (id, kind, merchant_id)
        SELECT 'merchant_payable:' || id, 'liability', id
        FROM merchant
        ON CONFLICT (id) DO NOTHING
        """;

    public async Task<Merchant?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        if (_byId.TryGetValue(id, out var cached) && cached.Expires > clock.GetUtcNow())
        {
            return cached.Merchant;
        }

        await using var command = dataSource.CreateCommand(SelectById);
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var merchant = new Merchant(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5));
        _byId[id] = (merchant, clock.GetUtcNow() + CacheFor);
        return merchant;
    }

    public async Task UpsertAsync(Merchant merchant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(merchant);
        await using var command = dataSource.CreateCommand(UpsertMerchant);
        command.Parameters.AddWithValue(merchant.Id);
        command.Parameters.AddWithValue(merchant.Name);
        command.Parameters.AddWithValue(merchant.FeeBasisPoints);
        command.Parameters.AddWithValue(merchant.FeeFixed);
        command.Parameters.AddWithValue(merchant.DuplicatePolicy);
        command.Parameters.AddWithValue(merchant.BankAccount);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        _byId.TryRemove(merchant.Id, out _);
    }
}
