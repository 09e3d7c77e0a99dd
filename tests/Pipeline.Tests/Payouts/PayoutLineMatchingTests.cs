using Payments.Pipeline.Reconciliation;

namespace Payments.Pipeline.Tests.Payouts;

/// <summary>A settlement report's payout and payout failure lines against what we recorded of the payout.</summary>
public sealed class PayoutLineMatchingTests
{
    [Fact]
    public void Payout_line_of_a_payout_we_saw_made_is_matched()
    {
        var outcome = LineMatcher.DecidePayout(Line("payout", -5000), Ours("pending", sent: true));
        Assert.IsType<LineOutcome.Matched>(outcome);
        Assert.Null(outcome.ChargeId);
    }

    [Fact]
    public void Payout_line_of_a_payout_whose_outcome_we_do_not_know_yet_heals_it()
    {
        var heal = Assert.IsType<LineOutcome.Heal>(LineMatcher.DecidePayout(Line("payout", -5000), Ours("pending", sent: false)));
        Assert.Equal(DiscrepancyKinds.MissedPayout, heal.Kind);
        Assert.Equal("pyt_1", heal.PayoutId);
        Assert.Null(heal.ChargeId);
    }

    [Theory]
    [InlineData("pending")]
    [InlineData("paid")]
    public void Failure_line_of_a_payout_we_have_not_seen_fail_heals_it(string status)
    {
        var heal = Assert.IsType<LineOutcome.Heal>(LineMatcher.DecidePayout(Line("payout_failure", 5000), Ours(status, sent: true)));
        Assert.Equal(DiscrepancyKinds.MissedPayoutFailure, heal.Kind);
    }

    [Fact]
    public void Failure_line_of_a_payout_we_saw_fail_is_matched() =>
        Assert.IsType<LineOutcome.Matched>(LineMatcher.DecidePayout(Line("payout_failure", 5000), Ours("failed", sent: true)));

    [Theory]
    [InlineData("payout", -5000)]
    [InlineData("payout_failure", 5000)]
    public void Line_of_a_payout_we_recorded_as_never_made_is_an_open_discrepancy(string category, long gross)
    {
        var discrepancy = Assert.IsType<LineOutcome.Discrepancy>(LineMatcher.DecidePayout(Line(category, gross), Ours("failed", sent: false)));
        Assert.Equal(DiscrepancyKinds.UnknownAtPsp, discrepancy.Kind);
    }

    [Fact]
    public void Payout_line_with_another_amount_or_currency_is_an_open_discrepancy()
    {
        Assert.Equal(DiscrepancyKinds.AmountMismatch,
            Assert.IsType<LineOutcome.Discrepancy>(LineMatcher.DecidePayout(Line("payout", -4999), Ours("paid", sent: true))).Kind);
        Assert.Equal(DiscrepancyKinds.CurrencyMismatch,
            Assert.IsType<LineOutcome.Discrepancy>(LineMatcher.DecidePayout(Line("payout", -5000, "EUR"), Ours("paid", sent: true))).Kind);
    }

    [Fact]
    public void Payout_line_that_names_no_payout_of_ours_is_unknown_at_the_psp() =>
        Assert.Equal(DiscrepancyKinds.UnknownAtPsp,
            Assert.IsType<LineOutcome.Discrepancy>(LineMatcher.DecidePayout(Line("payout", -5000), null)).Kind);

    private static RecordedPayout Ours(string status, bool sent) => new("pyt_1", sent ? "po_1" : null, "USD", 5000, status, sent);

    private static SettlementLine Line(string category, long gross, string currency = "USD") => new(
        2, "txn_1", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, category, null, null, gross, 0, gross, currency,
        null, null, "po_1", "pyt_1", null);
}
