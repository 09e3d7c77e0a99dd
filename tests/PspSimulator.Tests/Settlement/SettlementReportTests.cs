using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using PspSimulator.Settlement;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Settlement;

public sealed class SettlementReportTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private const string Header =
        "balance_transaction_id,created_utc,available_on_utc,reporting_category,payment_intent_id,refund_id,gross,fee,net,currency,charge_id_metadata,dispute_id,payout_id,payout_id_metadata,refund_id_metadata";

    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Closed_day_csv_matches_the_ground_truth_line_by_line()
    {
        var auto = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: 4999);
        var manual = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: 10000, captureMethod: "manual");
        await _api.PostAsync("/v1/payment_intents/" + manual.Id + "/capture", SimulatorApi.NewKey(), ("amount_to_capture", "7000"));
        await _api.PostAsync("/v1/refunds", SimulatorApi.NewKey(), ("payment_intent", auto.Id), ("amount", "1000"), ("metadata[refund_id]", "rf_1"));
        await _api.PostAsync("/v1/refunds", SimulatorApi.NewKey(), ("payment_intent", auto.Id), ("amount", "500"), ("metadata[refund_id]", "rf_2"));
        await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), paymentMethod: "pm_card_chargeDeclined");
        var canceled = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), captureMethod: "manual");
        await _api.PostAsync("/v1/payment_intents/" + canceled.Id + "/cancel", SimulatorApi.NewKey());
        foreach (var amount in new[] { 1, 17, 18, 50, 1724 })
        {
            await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: amount, currency: "eur");
        }

        await _api.CreateAsync("ch_with,comma \"quoted\"", SimulatorApi.NewKey(), amount: 2500);

        var closed = await _api.PostControlAsync("/_sim/settlement/close");
        var date = closed["date"]!.GetValue<string>();
        var report = await _api.GetAsync("/v1/settlement_reports/" + date);
        var truth = await _api.TruthAsync();

        Assert.Equal(HttpStatusCode.OK, report.Status);
        var rows = Csv.Parse(report.Body);
        Assert.Equal(Header, report.Body.Split('\n')[0]);
        var money = GroundTruth.Movements(truth).Where(m => m!["kind"]!.GetValue<string>() != "authorize").ToList();
        Assert.Equal(money.Count, rows.Count - 1);
        Assert.Equal(money.Count, closed["rows"]!.GetValue<int>());
        var availableOn = DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00Z";
        for (var i = 0; i < money.Count; i++)
        {
            var movement = money[i]!;
            var row = rows[i + 1];
            var isCapture = movement["kind"]!.GetValue<string>() == "capture";
            var amount = movement["amount"]!.GetValue<long>();
            var gross = isCapture ? amount : -amount;
            var fee = isCapture ? (amount * 290 + 5000) / 10000 + 30 : 0;
            var at = DateTimeOffset.Parse(movement["at"]!.GetValue<string>(), CultureInfo.InvariantCulture);

            Assert.Equal(15, row.Length);
            Assert.StartsWith("txn_", row[0], StringComparison.Ordinal);
            Assert.Equal(at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), row[1]);
            Assert.Equal(availableOn, row[2]);
            Assert.Equal(isCapture ? "charge" : "refund", row[3]);
            Assert.Equal(movement["payment_intent"]!.GetValue<string>(), row[4]);
            Assert.Equal(movement["refund"]?.GetValue<string>() ?? string.Empty, row[5]);
            Assert.Equal(gross, long.Parse(row[6], CultureInfo.InvariantCulture));
            Assert.Equal(fee, long.Parse(row[7], CultureInfo.InvariantCulture));
            Assert.Equal(gross - fee, long.Parse(row[8], CultureInfo.InvariantCulture));
            Assert.Equal(movement["currency"]!.GetValue<string>(), row[9]);
            Assert.Equal(movement["charge_id"]!.GetValue<string>(), row[10]);
        }

        Assert.Equal(rows.Count - 1, rows.Skip(1).Select(r => r[0]).Distinct().Count());
        Assert.Contains(rows, r => r[10] == "ch_with,comma \"quoted\"");
        var again = await _api.PostControlAsync("/_sim/settlement/close?date=" + date);
        Assert.True(again["already_closed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Report_is_404_before_the_day_is_closed_and_a_future_day_cannot_be_closed()
    {
        var today = DateOnly.ParseExact((await _api.GetAsync("/_sim/clock")).Json["now"]!.GetValue<string>()[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var yesterday = today.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var tomorrow = today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var notClosed = await _api.GetAsync("/v1/settlement_reports/" + yesterday);
        var malformed = await _api.GetAsync("/v1/settlement_reports/21-11-2025");
        using var http = new HttpClient { BaseAddress = simulator.BaseAddress };
        using var future = await http.PostAsync(new Uri("/_sim/settlement/close?date=" + tomorrow, UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.NotFound, notClosed.Status);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
    }

    [Theory]
    [InlineData(4999, 175)]
    [InlineData(5000, 175)]
    [InlineData(1, 30)]
    [InlineData(17, 30)]
    [InlineData(18, 31)]
    [InlineData(50, 31)]
    [InlineData(1724, 80)]
    public void Fee_is_2_9_percent_rounded_half_up_plus_30(long gross, long fee)
    {
        var calculator = new FeeCalculator(Options.Create(new SettlementOptions()));

        Assert.Equal(fee, calculator.ForCapture(gross));
    }

    [Fact]
    public void Fee_follows_its_configuration()
    {
        var calculator = new FeeCalculator(Options.Create(new SettlementOptions { FeeBasisPoints = 150, FeeFixed = 0 }));

        Assert.Equal(15, calculator.ForCapture(1000));
        Assert.Equal(2, calculator.ForCapture(100));
    }
}
