using Npgsql;
using Payments.Testing;

namespace Payments.Pipeline.Tests.Storage;

/// <summary>
/// The ledger's per-statement check (0024) runs queries without parameters, which a connection
/// plans once and keeps until the tables' statistics change. Its own database, so that the ledger
/// is as small as a fresh deployment's when the first plan is made.
/// </summary>
public sealed class LedgerCheckPlanTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Check_planned_while_the_ledger_was_small_reads_journals_by_key_once_it_has_grown()
    {
        await database.ExecuteAsync("INSERT INTO ledger_accounts (id, kind) VALUES ('test_asset', 'asset'), ('test_liability', 'liability')");
        await WriteJournalsAsync(database.DataSource, "seed", 1);

        // One pooled connection of the service: its plans are made on its first journal, while the
        // ledger holds one.
        await using var connection = await database.DataSource.OpenConnectionAsync();
        var plans = new List<string>();
        connection.Notice += (_, e) => plans.Add(e.Notice.MessageText);
        await using (var explain = new NpgsqlCommand("""
            LOAD 'auto_explain';
            SET auto_explain.log_min_duration = 0;
            SET auto_explain.log_nested_statements = on;
            SET auto_explain.log_level = notice;
            """, connection))
        {
            await explain.ExecuteNonQueryAsync();
        }

        await WriteJournalsAsync(connection, "first", 1);
        await WriteJournalsAsync(database.DataSource, "grown", 5_000);
        plans.Clear();
        await WriteJournalsAsync(connection, "later", 1);

        var check = Assert.Single(plans, p => p.Contains("SELECT DISTINCT journal_id FROM added", StringComparison.Ordinal));
        Assert.DoesNotContain("Seq Scan on ledger_journals", check, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan on ledger_entries", check, StringComparison.Ordinal);
    }

    private static async Task WriteJournalsAsync(NpgsqlConnection connection, string prefix, int count)
    {
        await using var command = new NpgsqlCommand(WriteJournals, connection);
        command.Parameters.AddWithValue($"{prefix}:{Guid.NewGuid()}:");
        command.Parameters.AddWithValue(count);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task WriteJournalsAsync(NpgsqlDataSource dataSource, string prefix, int count)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await WriteJournalsAsync(connection, prefix, count);
    }

    private const string WriteJournals = """
        WITH journal AS (
            INSERT INTO ledger_journals (reference, description)
            SELECT $1 || g, 'test' FROM generate_series(1, $2) AS g
            RETURNING id)
        INSERT INTO ledger_entries (journal_id, account_id, amount, currency)
        SELECT id, account, amount, 'USD'
        FROM journal, (VALUES ('test_asset', 100), ('test_liability', -100)) AS e(account, amount)
        """;
}
