using System.Globalization;
using PspSimulator.Tests.Infrastructure;
using PspSimulator.Tests.Settlement;

namespace PspSimulator.Tests.Payouts;

/// <summary>What payouts put in the settlement report and the ground truth, and that the balance follows both.</summary>
public sealed class PayoutSettlementTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Payout_and_its_failure_are_report_lines_with_the_payout_ids_and_the_sum_of_net_is_the_balance()
    {
        var day = await SettlementDays.StartNextDayAsync(_api);
        var currency = PayoutHelpers.NewCurrency();
        var funded = await PayoutHelpers.FundAsync(_api, currency, 20_000);
        var paidId = PayoutHelpers.NewPayoutId();
        var failedId = PayoutHelpers.NewPayoutId();
        var paid = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 6000, currency, "ba_ok", paidId);
        var failed = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 4000, currency, "ba_closed", failedId);
        await PayoutHelpers.UntilStatusAsync(_api, paid.Id, "paid");
        await PayoutHelpers.UntilStatusAsync(_api, failed.Id, "failed");

        var lines = (await SettlementDays.CloseAsync(_api, day)).Skip(1).Where(l => l[ReportColumns.Currency] == currency).ToList();

        Assert.Equal(
            ["charge", "payout", "payout", "payout_failure"],
            lines.Select(l => l[ReportColumns.ReportingCategory]));
        var paidLine = lines.Single(l => l[ReportColumns.PayoutId] == paid.Id);
        Assert.Equal(["-6000", "0", "-6000"], [paidLine[ReportColumns.Gross], paidLine[ReportColumns.Fee], paidLine[ReportColumns.Net]]);
        Assert.Equal(paidId, paidLine[ReportColumns.PayoutIdMetadata]);
        Assert.Equal(string.Empty, paidLine[ReportColumns.PaymentIntentId]);
        Assert.Equal(string.Empty, paidLine[ReportColumns.ChargeIdMetadata]);
        Assert.Equal(string.Empty, paidLine[ReportColumns.DisputeId]);
        Assert.Equal(string.Empty, paidLine[ReportColumns.RefundId]);
        var failedLines = lines.Where(l => l[ReportColumns.PayoutId] == failed.Id).ToList();
        Assert.Equal(["payout", "payout_failure"], failedLines.Select(l => l[ReportColumns.ReportingCategory]));
        Assert.Equal(["-4000", "4000"], failedLines.Select(l => l[ReportColumns.Net]));
        Assert.Equal(["0", "0"], failedLines.Select(l => l[ReportColumns.Fee]));
        Assert.All(failedLines, l => Assert.Equal(failedId, l[ReportColumns.PayoutIdMetadata]));
        var sumOfNet = lines.Sum(l => long.Parse(l[ReportColumns.Net], CultureInfo.InvariantCulture));
        Assert.Equal(funded - 6000, sumOfNet);
        Assert.Equal(sumOfNet, PayoutHelpers.Balance(await _api.TruthAsync(), currency));
    }

    [Fact]
    public async Task Truth_lists_payouts_their_movements_counts_and_totals()
    {
        var currency = PayoutHelpers.NewCurrency();
        var funded = await PayoutHelpers.FundAsync(_api, currency, 20_000);
        var payoutId = PayoutHelpers.NewPayoutId();
        var key = SimulatorApi.NewKey();
        var created = await PayoutHelpers.CreateAsync(_api, key, 5000, currency, "ba_closed", payoutId);
        await PayoutHelpers.UntilStatusAsync(_api, created.Id, "failed");
        var paid = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 3000, currency);

        var truth = await _api.TruthAsync();

        var movements = GroundTruth.Movements(truth).Where(m => m!["payout"]?.GetValue<string>() == created.Id).ToList();
        Assert.Equal(["payout", "payout_failure"], movements.Select(m => m!["kind"]!.GetValue<string>()));
        Assert.All(movements, m =>
        {
            Assert.Null(m!["payment_intent"]);
            Assert.Null(m["charge_id"]);
            Assert.Null(m["refund"]);
            Assert.Null(m["dispute"]);
            Assert.Equal(payoutId, m["payout_id"]!.GetValue<string>());
            Assert.Equal(key, m["idempotency_key"]!.GetValue<string>());
            Assert.Equal(5000, m["amount"]!.GetValue<long>());
            Assert.Equal(currency, m["currency"]!.GetValue<string>());
        });
        Assert.Equal(1, GroundTruth.ForKey(truth, key, "payout"));
        Assert.Equal(1, GroundTruth.ForKey(truth, key, "payout_failure"));
        Assert.Equal(1, PayoutHelpers.ForPayoutId(truth, payoutId, "payout"));
        Assert.Equal(1, PayoutHelpers.ForPayoutId(truth, payoutId, "payout_failure"));
        Assert.Equal(8000, truth["totals"]![currency]!["paid_out"]!.GetValue<long>());
        Assert.Equal(5000, truth["totals"]![currency]!["payout_failures"]!.GetValue<long>());
        Assert.Equal(funded - 3000, PayoutHelpers.Balance(truth, currency));
        var row = Assert.Single(PayoutHelpers.Payouts(truth, payoutId));
        Assert.Equal(
            ["id", "amount", "currency", "destination", "status", "failure_code", "metadata", "created", "arrival_date"],
            row.AsObject().Select(p => p.Key));
        Assert.Contains(truth["payouts"]!.AsArray(), p => p!["id"]!.GetValue<string>() == paid.Id);
        var keys = truth.AsObject().Select(p => p.Key).ToList();
        Assert.Equal(["payouts", "counts_by_payout_id"], keys.Skip(keys.IndexOf("balance") + 1));
    }

    [Fact]
    public async Task Truth_filtered_by_charge_id_leaves_payouts_out()
    {
        var currency = PayoutHelpers.NewCurrency();
        var chargeId = SimulatorApi.NewChargeId();
        await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 10_000, currency: currency);
        var payoutId = PayoutHelpers.NewPayoutId();
        await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 1000, currency, payoutId: payoutId);

        var truth = await _api.TruthAsync(chargeId);

        Assert.Empty(truth["payouts"]!.AsArray());
        Assert.Empty(truth["counts_by_payout_id"]!.AsObject());
        Assert.DoesNotContain(GroundTruth.Movements(truth), m => m!["payout"] is not null);
        Assert.Equal(PayoutHelpers.Balance(await _api.TruthAsync(), currency), PayoutHelpers.Balance(truth, currency));
    }
}
