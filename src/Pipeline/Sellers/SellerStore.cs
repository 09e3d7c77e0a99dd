using Npgsql;
using NpgsqlTypes;
using Payments.Pipeline.Ledger;
using Payments.Pipeline.Storage;

namespace Payments.Pipeline.Sellers;

/// <summary>The SQL of a merchant's sellers.</summary>
internal sealed class SellerStore(NpgsqlDataSource dataSource)
{
    // The seller and its payable account in one statement, so a split or a payout can never name a
    // seller the ledger cannot post to. A key used before inserts nothing (neither row); the
    // caller then reads what the key made. A concurrent duplicate waits on the key's index entry
    // and finds the first one's row once it committed.
    private const string InsertSeller = $$"""
        WITH seller AS (
            INSERT INTO sellers (id, merchant_id, name, bank_account, idempotency_key, request_hash)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (merchant_id, idempotency_key) DO NOTHING
            RETURNING *
        ),
        account AS (
            INSERT INTO ledger_accounts (id, kind, merchant_id)
            SELECT '{{LedgerAccounts.SellerPayablePrefix}}' || id, 'liability', merchant_id
            FROM seller
        )
        SELECT seller_json(seller::sellers)::text
        FROM seller
        """;

    private const string SelectByIdempotencyKey = """
        SELECT request_hash, seller_json(s)::text
        FROM sellers AS s
        WHERE merchant_id = $1 AND idempotency_key = $2
        """;

    private const string SelectJsonById = """
        SELECT seller_json(s)::text
        FROM sellers AS s
        WHERE id = $1 AND merchant_id = $2
        """;

    // Serves GET /v1/sellers through sellers_merchant_created. The cursor is a row comparison from
    // +infinity, as for charges, so that it is an index condition in the generic plan.
    private const string SelectPage = """
        SELECT seller_json(s)::text
        FROM sellers AS s,
             (SELECT CASE WHEN $2::text IS NULL THEN 'infinity'::timestamptz
                          ELSE (SELECT created_at FROM sellers WHERE id = $2 AND merchant_id = $1) END AS created_at,
                     coalesce($2::text, '') AS id) AS after
        WHERE s.merchant_id = $1
          AND (s.created_at, s.id) < (after.created_at, after.id)
        ORDER BY s.created_at DESC, s.id DESC
        LIMIT $3
        """;

    // Which of the named sellers are this merchant's (a charge's splits may name only those).
    private const string SelectOwnAmong = """
        SELECT id
        FROM sellers
        WHERE merchant_id = $1 AND id = ANY($2)
        """;

    private const string SelectBankAccount = """
        SELECT bank_account
        FROM sellers
        WHERE id = $1 AND merchant_id = $2
        """;

    /// <summary>Creates the seller and its payable account, or finds the seller this key created.</summary>
    public async Task<SellerCreation> CreateAsync(
        string id, string merchantId, string name, string bankAccount, string idempotencyKey, byte[] requestHash, CancellationToken cancellationToken = default)
    {
        await using (var insert = dataSource.CreateCommand(InsertSeller))
        {
            insert.Parameters.AddWithValue(id);
            insert.Parameters.AddWithValue(merchantId);
            insert.Parameters.AddWithValue(name);
            insert.Parameters.AddWithValue(bankAccount);
            insert.Parameters.AddWithValue(idempotencyKey);
            insert.Parameters.AddWithValue(requestHash);
            if (await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string created)
            {
                return new SellerCreation.Created(created, Replayed: false);
            }
        }

        await using var select = dataSource.CreateCommand(SelectByIdempotencyKey);
        select.Parameters.AddWithValue(merchantId);
        select.Parameters.AddWithValue(idempotencyKey);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("A seller's idempotency key conflicted, but no seller holds it.");
        }

        return reader.GetFieldValue<byte[]>(0).AsSpan().SequenceEqual(requestHash)
            ? new SellerCreation.Created(reader.GetString(1), Replayed: true)
            : new SellerCreation.KeyReused();
    }

    /// <summary>The seller as the API shows it, only to its own merchant.</summary>
    /// <summary>The bank account of one of the merchant's sellers; null when it has no such seller.</summary>
    public async Task<string?> FindBankAccountAsync(string merchantId, string sellerId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectBankAccount);
        command.Parameters.AddWithValue(sellerId);
        command.Parameters.AddWithValue(merchantId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async Task<string?> FindJsonAsync(string merchantId, string sellerId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectJsonById);
        command.Parameters.AddWithValue(sellerId);
        command.Parameters.AddWithValue(merchantId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>One page of the merchant's sellers, newest first; one more than asked tells if there are more.</summary>
    public async Task<IReadOnlyList<string>> ListJsonAsync(string merchantId, string? startingAfter, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectPage);
        command.Parameters.AddWithValue(merchantId);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = startingAfter, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(limit);
        return await command.ReadTextRowsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Those of <paramref name="sellerIds"/> that are sellers of <paramref name="merchantId"/>.</summary>
    public async Task<IReadOnlySet<string>> OwnAmongAsync(string merchantId, IReadOnlyCollection<string> sellerIds, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectOwnAmong);
        command.Parameters.AddWithValue(merchantId);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. sellerIds] });
        var own = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            own.Add(reader.GetString(0));
        }

        return own;
    }
}
