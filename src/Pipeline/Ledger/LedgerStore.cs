using Npgsql;
using Payments.Pipeline.Storage;

namespace Payments.Pipeline.Ledger;

/// <summary>The ledger as the operator reads it.</summary>
internal sealed class LedgerStore(NpgsqlDataSource dataSource)
{
    private const string SelectBalances = """
        SELECT jsonb_build_object('account', account_id, 'currency', currency, 'balance', sum(amount))::text
        FROM ledger_entries
        GROUP BY account_id, currency
        ORDER BY currency, account_id
        """;

    /// <summary>Every account's balance per currency; they sum to zero per currency (invariant 5).</summary>
    public async Task<IReadOnlyList<string>> BalancesJsonAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectBalances);
        return await command.ReadTextRowsAsync(cancellationToken).ConfigureAwait(false);
    }
}
