using Payments.Pipeline.Reconciliation;

namespace Payments.Pipeline.Tests.Reconciliation;

/// <summary>The settlement report is read strictly: the contract's header, each category's signs, fee and ids, net = gross − fee.</summary>
public sealed class SettlementReportTests
{
    private const string Header = "balance_transaction_id,created_utc,available_on_utc,reporting_category,payment_intent_id,refund_id,gross,fee,net,currency,charge_id_metadata,dispute_id,payout_id,payout_id_metadata,refund_id_metadata";
    private const string Charge = "txn_1,2026-11-27T10:00:00Z,2026-11-29T00:00:00Z,charge,pi_1,,5000,175,4825,usd,ch_1,,,,";
    private const string Refund = "txn_2,2026-11-27T11:00:00Z,2026-11-29T00:00:00Z,refund,pi_1,re_1,-1000,0,-1000,usd,ch_1,,,,rf_1";
    private const string PspRefund = "txn_3,2026-11-27T11:30:00Z,2026-11-29T00:00:00Z,refund,pi_1,re_2,-500,0,-500,usd,ch_1,,,,";
    private const string Dispute = "txn_4,2026-11-27T12:00:00Z,2026-11-29T00:00:00Z,dispute,pi_1,,-3000,1500,-4500,usd,ch_1,dp_1,,,";
    private const string Reversal = "txn_5,2026-11-27T13:00:00Z,2026-11-29T00:00:00Z,dispute_reversal,pi_1,,3000,0,3000,usd,ch_1,dp_1,,,";
    private const string Payout = "txn_6,2026-11-27T14:00:00Z,2026-11-29T00:00:00Z,payout,,,-2000,0,-2000,usd,,,po_1,pay_1,";

    [Fact]
    public void Report_with_every_category_reads_as_its_lines_in_order()
    {
        var report = Assert.IsType<ParsedReport.Read>(SettlementReport.Parse(string.Join('\n', Header, Charge, Refund, PspRefund, Dispute, Reversal, Payout) + "\n"));

        Assert.Equal(["charge", "refund", "refund", "dispute", "dispute_reversal", "payout"], report.Lines.Select(l => l.Category));
        var charge = report.Lines[0];
        Assert.Equal((2, "txn_1", "pi_1", 5000L, 175L, 4825L, "USD", "ch_1"), (charge.LineNumber, charge.BalanceTransactionId, charge.PaymentIntentId, charge.Gross, charge.Fee, charge.Net, charge.Currency, charge.ChargeIdMetadata));
        Assert.Equal("rf_1", report.Lines[1].RefundIdMetadata);
        Assert.Null(report.Lines[2].RefundIdMetadata);
        Assert.Equal(("dp_1", -4500L), (report.Lines[3].DisputeId, report.Lines[3].Net));
        Assert.Equal(("po_1", "pay_1"), (report.Lines[5].PayoutId, report.Lines[5].PayoutIdMetadata));
    }

    [Fact]
    public void Report_with_only_its_header_has_no_lines() =>
        Assert.Empty(Assert.IsType<ParsedReport.Read>(SettlementReport.Parse(Header + "\n")).Lines);

    [Theory]
    [InlineData("", "line 1: the header")]
    [InlineData("balance_transaction_id,created_utc\n", "line 1: the header")]
    [InlineData(Header + "\ntxn_1,2026-11-27T10:00:00Z,2026-11-29T00:00:00Z,charge,pi_1,,5000,175,4825,usd,ch_1,,,\n", "line 2: 14 fields")]
    [InlineData(Header + "\ntxn_1,2026-11-27T10:00:00Z,2026-11-29T00:00:00Z,charge,pi_1,,5000,175,4800,usd,ch_1,,,,\n", "line 2: net 4800 is not gross 5000 less fee 175")]
    [InlineData(Header + "\ntxn_1,2026-11-27T10:00:00Z,2026-11-29T00:00:00Z,charge,pi_1,,50.00,0,50.00,usd,ch_1,,,,\n", "line 2: gross, fee and net must be integers")]
    [InlineData(Header + "\ntxn_1,2026-11-27T10:00:00Z,2026-11-29T00:00:00Z,chargeback,pi_1,,5000,0,5000,usd,ch_1,,,,\n", "line 2: unknown reporting_category 'chargeback'")]
    [InlineData(Header + "\ntxn_2,2026-11-27T11:00:00Z,2026-11-29T00:00:00Z,refund,pi_1,re_1,1000,0,1000,usd,ch_1,,,,rf_1\n", "line 2: a refund line has gross 1000")]
    [InlineData(Header + "\ntxn_2,2026-11-27T11:00:00Z,2026-11-29T00:00:00Z,refund,pi_1,re_1,-1000,10,-1010,usd,ch_1,,,,rf_1\n", "line 2: a refund line has gross -1000 and fee 10")]
    [InlineData(Header + "\ntxn_2,2026-11-27T11:00:00Z,2026-11-29T00:00:00Z,refund,pi_1,,-1000,0,-1000,usd,ch_1,,,,rf_1\n", "line 2: a refund line without refund_id")]
    [InlineData(Header + "\ntxn_4,2026-11-27T12:00:00Z,2026-11-29T00:00:00Z,dispute,pi_1,,-3000,1500,-4500,usd,ch_1,,,,\n", "line 2: a dispute line without dispute_id")]
    [InlineData(Header + "\ntxn_1,27/11/2026,2026-11-29T00:00:00Z,charge,pi_1,,5000,175,4825,usd,ch_1,,,,\n", "line 2: created_utc and available_on_utc")]
    [InlineData(Header + "\ntxn_1,2026-11-27T10:00:00+01:00,2026-11-29T00:00:00Z,charge,pi_1,,5000,175,4825,usd,ch_1,,,,\n", "line 2: created_utc and available_on_utc")]
    [InlineData(Header + "\ntxn_1,2026-11-27T10:00:00Z,2026-11-29T00:00:00Z,charge,pi_1,,5000,175,4825,us,ch_1,,,,\n", "line 2: currency 'us'")]
    [InlineData(Header + "\n" + Charge + "\n\n" + Refund + "\n", "line 3: 1 fields")]
    [InlineData(Header + "\n\"txn_1\",2026-11-27T10:00:00Z,2026-11-29T00:00:00Z,charge,pi_1,,5000,175,4825,usd,ch_1,,,,\n", "line 2: a quoted field")]
    public void Malformed_report_is_refused_whole_naming_the_line_and_the_rule(string csv, string reason)
    {
        var refused = Assert.IsType<ParsedReport.Refused>(SettlementReport.Parse(csv));

        Assert.StartsWith(reason, refused.Reason, StringComparison.Ordinal);
    }
}
