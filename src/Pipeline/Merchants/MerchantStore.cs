using Npgsql;

namespace Payments.Pipeline.Merchants;

public sealed class MerchantStore(NpgsqlDataSource dataSource)
{
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

    // Seeding is repeatable: the configured key and fee win over what was stored.
    private const string UpsertMerchant = """
        INSERT INTO merchants (id, name, api_key_hash, fee_bps, fee_fixed)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (id) DO UPDATE
        SET name = excluded.name, api_key_hash = excluded.api_key_hash,
            fee_bps = excluded.fee_bps, fee_fixed = excluded.fee_fixed
        """;

    public async Task<Merchant?> FindByApiKeyAsync(string apiKey, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectByKeyHash);
        command.Parameters.AddWithValue(ApiKeys.Hash(apiKey));
        return await ReadOneAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Merchant?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectById);
        command.Parameters.AddWithValue(id);
        return await ReadOneAsync(command, cancellationToken).ConfigureAwait(false);
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
    }

    private static async Task<Merchant?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new Merchant(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3))
            : null;
    }
}
