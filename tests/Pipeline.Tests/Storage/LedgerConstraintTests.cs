using Npgsql;
using Payments.Testing;

namespace Payments.Pipeline.Tests.Storage;

public sealed class LedgerConstraintTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync() => await database.ExecuteAsync("""
        INSERT INTO merchants (id, name) VALUES ('mch_ledger', 'Ledger') ON CONFLICT DO NOTHING;
        INSERT INTO ledger_accounts (id, kind) VALUES ('test_asset', 'asset'), ('test_liability', 'liability') ON CONFLICT DO NOTHING;
        """);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Balanced_journal_commits()
    {
        var reference = $"test:{Guid.NewGuid()}";

        await PostJournalAsync(reference, ("test_asset", 500, "USD"), ("test_liability", -500, "USD"));

        Assert.Equal(2L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM ledger_entries e JOIN ledger_journals j ON j.id = e.journal_id WHERE j.reference = $1", reference));
    }

    [Fact]
    public async Task Unbalanced_journal_is_refused_at_commit()
    {
        var reference = $"test:{Guid.NewGuid()}";

        var error = await Assert.ThrowsAsync<PostgresException>(() => PostJournalAsync(reference, ("test_asset", 500, "USD"), ("test_liability", -499, "USD")));

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
        Assert.Contains("does not balance", error.MessageText, StringComparison.Ordinal);
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals WHERE reference = $1", reference));
    }

    [Fact]
    public async Task Journal_balanced_in_total_but_not_per_currency_is_refused()
    {
        var reference = $"test:{Guid.NewGuid()}";

        var error = await Assert.ThrowsAsync<PostgresException>(() => PostJournalAsync(reference, ("test_asset", 500, "USD"), ("test_liability", -500, "EUR")));

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
    }

    [Fact]
    public async Task Journal_with_a_single_entry_is_refused()
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => PostJournalAsync($"test:{Guid.NewGuid()}", ("test_asset", 0 + 1, "USD")));

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
    }

    [Fact]
    public async Task Posting_the_same_reference_twice_is_refused()
    {
        var reference = $"test:{Guid.NewGuid()}";
        await PostJournalAsync(reference, ("test_asset", 100, "USD"), ("test_liability", -100, "USD"));

        var error = await Assert.ThrowsAsync<PostgresException>(() => PostJournalAsync(reference, ("test_asset", 100, "USD"), ("test_liability", -100, "USD")));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);
    }

    [Theory]
    [InlineData("UPDATE ledger_entries SET amount = amount * 2")]
    [InlineData("DELETE FROM ledger_entries")]
    [InlineData("UPDATE ledger_journals SET description = 'rewritten'")]
    [InlineData("DELETE FROM ledger_journals")]
    [InlineData("TRUNCATE ledger_entries")]
    public async Task Rewriting_the_ledger_is_refused(string statement)
    {
        await PostJournalAsync($"test:{Guid.NewGuid()}", ("test_asset", 700, "USD"), ("test_liability", -700, "USD"));
        var before = await database.ScalarAsync<long>("SELECT coalesce(sum(abs(amount)), 0)::bigint FROM ledger_entries");

        var error = await Assert.ThrowsAsync<PostgresException>(() => database.ExecuteAsync(statement));

        Assert.Equal(PostgresErrorCodes.RestrictViolation, error.SqlState);
        Assert.Equal(before, await database.ScalarAsync<long>("SELECT coalesce(sum(abs(amount)), 0)::bigint FROM ledger_entries"));
    }

    [Fact]
    public async Task Zero_amount_entry_is_refused()
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => PostJournalAsync($"test:{Guid.NewGuid()}", ("test_asset", 0, "USD"), ("test_liability", 0, "USD")));

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
    }

    [Fact]
    public async Task Adding_entries_to_a_journal_committed_earlier_is_refused()
    {
        var reference = $"test:{Guid.NewGuid()}";
        await PostJournalAsync(reference, ("test_asset", 100, "USD"), ("test_liability", -100, "USD"));
        var journal = await database.ScalarAsync<long>("SELECT id FROM ledger_journals WHERE reference = $1", reference);

        // Balanced on its own, and still refused: a committed journal is final.
        var error = await Assert.ThrowsAsync<PostgresException>(() => database.ExecuteAsync(
            "INSERT INTO ledger_entries (journal_id, account_id, amount, currency) VALUES ($1, 'test_asset', 5, 'USD'), ($1, 'test_liability', -5, 'USD')",
            journal));

        Assert.Equal(PostgresErrorCodes.RestrictViolation, error.SqlState);
        Assert.Equal(2L, await database.ScalarAsync<long>("SELECT count(*) FROM ledger_entries WHERE journal_id = $1", journal));
    }

    [Fact]
    public async Task Entries_of_a_new_journal_written_in_one_statement_commit()
    {
        var id = await database.ScalarAsync<long>("""
            WITH journal AS (
                INSERT INTO ledger_journals (reference, description) VALUES ($1, 'test') RETURNING id)
            INSERT INTO ledger_entries (journal_id, account_id, amount, currency)
            SELECT id, account, amount, 'USD' FROM journal, (VALUES ('test_asset', 70), ('test_liability', -70)) AS e(account, amount)
            RETURNING journal_id
            """, $"test:{Guid.NewGuid()}");

        Assert.Equal(2L, await database.ScalarAsync<long>("SELECT count(*) FROM ledger_entries WHERE journal_id = $1", id));
    }

    private async Task PostJournalAsync(string reference, params (string Account, long Amount, string Currency)[] entries)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var journal = new NpgsqlCommand("INSERT INTO ledger_journals (reference, description) VALUES ($1, 'test') RETURNING id", connection, transaction))
        {
            journal.Parameters.AddWithValue(reference);
            var id = (long)(await journal.ExecuteScalarAsync())!;
            foreach (var (account, amount, currency) in entries)
            {
                await using var entry = new NpgsqlCommand("INSERT INTO ledger_entries (journal_id, account_id, amount, currency) VALUES ($1, $2, $3, $4)", connection, transaction);
                entry.Parameters.AddWithValue(id);
                entry.Parameters.AddWithValue(account);
                entry.Parameters.AddWithValue(amount);
                entry.Parameters.AddWithValue(currency);
                await entry.ExecuteNonQueryAsync();
            }
        }

        await transaction.CommitAsync();
    }
}
