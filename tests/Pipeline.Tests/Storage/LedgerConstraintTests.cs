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
    public async Task Unbalanced_journal_is_refused_and_nothing_is_recorded()
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
    [InlineData("DELETE FROM ledger_accounts WHERE id = 'test_asset'")]
    [InlineData("UPDATE ledger_accounts SET id = 'test_renamed' WHERE id = 'test_asset'")]
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
    public async Task Journal_written_without_entries_in_its_own_statement_is_refused_at_once()
    {
        var reference = $"test:{Guid.NewGuid()}";
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var journal = new NpgsqlCommand("INSERT INTO ledger_journals (reference, description) VALUES ($1, 'test')", connection, transaction);
        journal.Parameters.AddWithValue(reference);

        var error = await Assert.ThrowsAsync<PostgresException>(() => journal.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
        Assert.Contains("0 entries", error.MessageText, StringComparison.Ordinal);
        await transaction.RollbackAsync();
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals WHERE reference = $1", reference));
    }

    [Fact]
    public async Task Entries_that_unbalance_a_journal_of_the_same_transaction_are_refused_at_their_statement()
    {
        var reference = $"test:{Guid.NewGuid()}";
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var write = new NpgsqlCommand("""
            WITH journal AS (
                INSERT INTO ledger_journals (reference, description) VALUES ($1, 'test') RETURNING id)
            INSERT INTO ledger_entries (journal_id, account_id, amount, currency)
            SELECT id, account, amount, 'USD' FROM journal, (VALUES ('test_asset', 40), ('test_liability', -40)) AS e(account, amount)
            RETURNING journal_id
            """, connection, transaction);
        write.Parameters.AddWithValue(reference);
        var journal = (long)(await write.ExecuteScalarAsync())!;
        await using var extra = new NpgsqlCommand("INSERT INTO ledger_entries (journal_id, account_id, amount, currency) VALUES ($1, 'test_asset', 5, 'USD')", connection, transaction);
        extra.Parameters.AddWithValue(journal);

        var error = await Assert.ThrowsAsync<PostgresException>(() => extra.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
        Assert.Contains("does not balance: USD 5", error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_unbalanced_journal_among_many_refuses_the_whole_statement_and_records_none()
    {
        var references = Enumerable.Range(0, 5).Select(_ => $"test:{Guid.NewGuid()}").ToArray();
        long[] amounts = [100, 200, 300, 400, 500];
        long[] counterparts = [-100, -200, -299, -400, -500];

        var error = await Assert.ThrowsAsync<PostgresException>(() => database.ExecuteAsync("""
            WITH moves AS (
                SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS m(reference, amount, counterpart)),
            journal AS (
                INSERT INTO ledger_journals (reference, description) SELECT reference, 'test' FROM moves RETURNING id, reference)
            INSERT INTO ledger_entries (journal_id, account_id, amount, currency)
            SELECT j.id, e.account, e.amount, 'USD'
            FROM journal AS j
            JOIN moves AS m ON m.reference = j.reference
            CROSS JOIN LATERAL (VALUES ('test_asset', m.amount), ('test_liability', m.counterpart)) AS e(account, amount)
            """, references, amounts, counterparts));

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
        Assert.Contains("does not balance: USD 1", error.MessageText, StringComparison.Ordinal);
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals WHERE reference = ANY($1)", (object)references));
    }

    [Fact]
    public async Task Entry_naming_an_account_that_does_not_exist_is_refused_and_nothing_is_recorded()
    {
        var reference = $"test:{Guid.NewGuid()}";

        var error = await Assert.ThrowsAsync<PostgresException>(() => PostJournalAsync(reference, ("test_asset", 300, "USD"), ("test_nowhere", -300, "USD")));

        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, error.SqlState);
        Assert.Contains("test_nowhere", error.MessageText, StringComparison.Ordinal);
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals WHERE reference = $1", reference));
    }

    [Fact]
    public async Task Entries_naming_a_journal_that_does_not_exist_are_refused()
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => database.ExecuteAsync(
            "INSERT INTO ledger_entries (journal_id, account_id, amount, currency) VALUES (-42, 'test_asset', 9, 'USD'), (-42, 'test_liability', -9, 'USD')"));

        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, error.SqlState);
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM ledger_entries WHERE journal_id = -42"));
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

    // As every writer of the service does: the journal and its entries in one statement.
    private Task PostJournalAsync(string reference, params (string Account, long Amount, string Currency)[] entries) =>
        database.ExecuteAsync("""
            WITH journal AS (
                INSERT INTO ledger_journals (reference, description) VALUES ($1, 'test') RETURNING id)
            INSERT INTO ledger_entries (journal_id, account_id, amount, currency)
            SELECT journal.id, e.account, e.amount, e.currency
            FROM journal, unnest($2::text[], $3::bigint[], $4::text[]) AS e(account, amount, currency)
            """,
            reference, entries.Select(e => e.Account).ToArray(), entries.Select(e => e.Amount).ToArray(), entries.Select(e => e.Currency).ToArray());
}
