using Payments.Pipeline.Ledger;
using Payments.Testing;

namespace Payments.Pipeline.Tests.Ledger;

/// <summary>The posting rules, as the database applies them to every journal and as the fee is computed.</summary>
public sealed class PostingRulesTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Capture_debits_the_PSP_and_credits_the_merchant_the_amount_less_the_fee_and_the_platform_the_fee()
    {
        var postings = await PostingsAsync(PostingRules.Capture, "mch_x", 4999, 135);

        Assert.Equal(
            [(LedgerAccounts.PspReceivable, 4999L), (LedgerAccounts.MerchantPayable("mch_x"), -4864L), (LedgerAccounts.PlatformFeeRevenue, -135L)],
            postings);
        Assert.Equal(0, postings.Sum(p => p.Amount));
    }

    [Fact]
    public async Task Capture_without_a_fee_posts_no_fee_entry()
    {
        var postings = await PostingsAsync(PostingRules.Capture, "mch_x", 2000, 0);

        Assert.Equal([(LedgerAccounts.PspReceivable, 2000L), (LedgerAccounts.MerchantPayable("mch_x"), -2000L)], postings);
    }

    [Fact]
    public async Task Refund_gives_the_merchant_back_the_whole_amount_and_the_platform_keeps_its_fee()
    {
        var postings = await PostingsAsync(PostingRules.Refund, "mch_x", 1000, 0);

        Assert.Equal([(LedgerAccounts.PspReceivable, -1000L), (LedgerAccounts.MerchantPayable("mch_x"), 1000L)], postings);
    }

    [Fact]
    public async Task Dispute_takes_the_amount_and_the_dispute_fee_from_the_merchant_as_the_PSP_takes_them_from_the_platform()
    {
        var postings = await PostingsAsync(PostingRules.Dispute, "mch_x", 4999, 1500);

        Assert.Equal([(LedgerAccounts.PspReceivable, -6499L), (LedgerAccounts.MerchantPayable("mch_x"), 6499L)], postings);
    }

    [Fact]
    public async Task Dispute_won_gives_back_the_amount_but_never_the_fee()
    {
        var postings = await PostingsAsync(PostingRules.DisputeWon, "mch_x", 4999, 0);

        Assert.Equal([(LedgerAccounts.PspReceivable, 4999L), (LedgerAccounts.MerchantPayable("mch_x"), -4999L)], postings);
    }

    [Fact]
    public async Task PSP_fee_is_an_expense_taken_from_what_the_PSP_holds_for_the_platform()
    {
        var postings = await PostingsAsync(PostingRules.PspFee, "mch_x", 0, 175);

        Assert.Equal([(LedgerAccounts.PspFees, 175L), (LedgerAccounts.PspReceivable, -175L)], postings);
    }

    [Theory]
    [InlineData(4999, 250, 10, 135)]
    [InlineData(10_000, 290, 30, 320)]
    [InlineData(20, 250, 0, 1)]
    [InlineData(19, 250, 0, 0)]
    [InlineData(5, 0, 30, 5)]
    public void Fee_is_basis_points_rounded_half_up_plus_the_fixed_part_never_above_the_amount(long amount, int basisPoints, long fixedPart, long fee) =>
        Assert.Equal(fee, PostingRules.Fee(amount, basisPoints, fixedPart));

    [Fact]
    public async Task Postings_are_inlined_into_the_statement_that_posts_not_called_per_journal()
    {
        await using var command = database.DataSource.CreateCommand(
            "EXPLAIN SELECT p.* FROM (VALUES ('mch_x', 100::bigint)) AS m(merchant, gross) CROSS JOIN LATERAL ledger_postings('capture', m.merchant, m.gross, 3) AS p");
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }

        Assert.DoesNotContain(plan, line => line.Contains("Function Scan", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Postings_with_splits_are_inlined_and_read_no_splits_for_a_charge_without_them()
    {
        var plan = await PlanAsync(
            // OFFSET 0 keeps the row from being folded into constants, as a statement's moves are not.
            "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT p.* FROM (SELECT * FROM (VALUES ('mch_x', 'ch_x', 100::bigint, NULL::bigint)) AS v OFFSET 0) AS m(merchant, charge, gross, captured) "
            + "CROSS JOIN LATERAL ledger_postings('capture', m.merchant, m.gross, 3, m.charge, m.captured) AS p");

        Assert.Contains(plan, line => line.Contains("charge_splits", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.Contains("Function Scan", StringComparison.Ordinal));
        // The scans of charge_splits sit under a one-time filter on the captured amount, which is null here.
        Assert.All(plan.Where(line => line.Contains("charge_splits", StringComparison.Ordinal)), line => Assert.Contains("never executed", line, StringComparison.Ordinal));
    }

    [Fact]
    public void Pgbench_capture_step_posts_through_the_same_rules()
    {
        var step = File.ReadAllText(Path.Combine(TestCluster.RepositoryRoot(), "perf", "pgbench", "steps", "capture.sql"));

        Assert.Contains("ledger_postings('capture'", step, StringComparison.Ordinal);
        Assert.DoesNotContain("'" + LedgerAccounts.PspReceivable + "'", step, StringComparison.Ordinal);
    }

    private async Task<List<string>> PlanAsync(string explain)
    {
        await using var command = database.DataSource.CreateCommand(explain);
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }

        return plan;
    }

    private async Task<List<(string Account, long Amount)>> PostingsAsync(string movement, string merchant, long gross, long fee)
    {
        await using var command = database.DataSource.CreateCommand("SELECT posting_account, posting_amount FROM ledger_postings($1, $2, $3, $4)");
        command.Parameters.AddWithValue(movement);
        command.Parameters.AddWithValue(merchant);
        command.Parameters.AddWithValue(gross);
        command.Parameters.AddWithValue(fee);
        var postings = new List<(string, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            postings.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return postings;
    }
}
