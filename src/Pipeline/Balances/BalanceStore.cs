using Npgsql;
using Payments.Pipeline.Ledger;

namespace Payments.Pipeline.Balances;

/// <summary>
/// A merchant's or a seller's balance, read from the ledger by <c>payable_balance</c>
/// (0021_payouts.sql): available and pending per currency, with nothing kept beside the ledger.
/// </summary>
internal sealed class BalanceStore(NpgsqlDataSource dataSource)
{
    private const string SelectBalance = """
        SELECT jsonb_build_object(
            'object', 'balance',
            'available', coalesce(jsonb_agg(jsonb_build_object('amount', b.available, 'currency', b.currency) ORDER BY b.currency), '[]'),
            'pending', coalesce(jsonb_agg(jsonb_build_object('amount', b.pending, 'currency', b.currency) ORDER BY b.currency), '[]'))::text
        FROM payable_balance($1) AS b
        """;

    private const string SelectSellerBalance = """
        SELECT jsonb_build_object(
            'object', 'balance',
            'available', coalesce(jsonb_agg(jsonb_build_object('amount', b.available, 'currency', b.currency) ORDER BY b.currency)
                                  FILTER (WHERE b.currency IS NOT NULL), '[]'),
            'pending', coalesce(jsonb_agg(jsonb_build_object('amount', b.pending, 'currency', b.currency) ORDER BY b.currency)
                                FILTER (WHERE b.currency IS NOT NULL), '[]'))::text
        FROM sellers AS s
        LEFT JOIN LATERAL payable_balance('seller_payable:' || s.id) AS b ON true
        WHERE s.id = $1 AND s.merchant_id = $2
        GROUP BY s.id
        """;

    /// <summary>The merchant's own balance.</summary>
    public async Task<string> MerchantBalanceJsonAsync(string merchantId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectBalance);
        command.Parameters.AddWithValue(LedgerAccounts.MerchantPayable(merchantId));
        return (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>One of the merchant's sellers' balance; null when it has no such seller.</summary>
    public async Task<string?> SellerBalanceJsonAsync(string merchantId, string sellerId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectSellerBalance);
        command.Parameters.AddWithValue(sellerId);
        command.Parameters.AddWithValue(merchantId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }
}
