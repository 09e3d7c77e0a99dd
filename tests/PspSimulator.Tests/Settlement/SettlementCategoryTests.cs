using System.Globalization;
using System.Text.Json.Nodes;
using PspSimulator.Tests.Infrastructure;
using static PspSimulator.Tests.Settlement.ReportColumns;

namespace PspSimulator.Tests.Settlement;

/// <summary>
/// Each <c>reporting_category</c>'s line with the contract's signs, fees and ids. Every test works on a
/// settlement day of its own (the simulator is shared by the class), so its report holds only its lines.
/// Fees are the defaults: 2.9 % + 30 on a capture, 1500 per dispute.
/// </summary>
public sealed class SettlementCategoryTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private const long DisputeFee = 1500;

    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Header_is_exactly_the_contracts_columns_in_order()
    {
        var day = await SettlementDays.StartNextDayAsync(_api);
        await SettlementDays.CloseAsync(_api, day);

        var report = await _api.GetAsync("/v1/settlement_reports/" + SettlementDays.Text(day));

        Assert.Equal(
            "balance_transaction_id,created_utc,available_on_utc,reporting_category,payment_intent_id,refund_id,gross,fee,net,currency,charge_id_metadata,dispute_id,payout_id,payout_id_metadata,refund_id_metadata",
            report.Body.Split('\n')[0]);
    }

    [Fact]
    public async Task Charge_line_is_plus_captured_less_the_psp_fee_with_the_intent_and_charge_id()
    {
        var day = await SettlementDays.StartNextDayAsync(_api);
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 10000, captureMethod: "manual");
        await _api.PostAsync("/v1/payment_intents/" + intent.Id + "/capture", SimulatorApi.NewKey(), ("amount_to_capture", "4999"));

        var line = Assert.Single((await SettlementDays.CloseAsync(_api, day)).Skip(1));

        Assert.Equal(Count, line.Length);
        Assert.StartsWith("txn_", line[BalanceTransactionId], StringComparison.Ordinal);
        Assert.Equal("charge", line[ReportingCategory]);
        Assert.Equal(new[] { "4999", "175", "4824" }, line[Gross..(Net + 1)]);
        Assert.Equal(intent.Id, line[PaymentIntentId]);
        Assert.Equal(chargeId, line[ChargeIdMetadata]);
        AssertEmpty(line[RefundId], line[DisputeId], line[PayoutId], line[PayoutIdMetadata], line[RefundIdMetadata]);
    }

    [Fact]
    public async Task Refund_line_is_minus_refunded_without_fee_with_both_refund_ids()
    {
        var day = await SettlementDays.StartNextDayAsync(_api);
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 4999);
        var refund = await _api.PostAsync("/v1/refunds", SimulatorApi.NewKey(), ("payment_intent", intent.Id), ("amount", "1200"), ("metadata[refund_id]", "rf_ours_1"));

        var line = (await SettlementDays.CloseAsync(_api, day)).Single(l => l[ReportingCategory] == "refund");

        Assert.Equal(new[] { "-1200", "0", "-1200" }, line[Gross..(Net + 1)]);
        Assert.Equal(intent.Id, line[PaymentIntentId]);
        Assert.Equal(refund.Id, line[RefundId]);
        Assert.Equal(chargeId, line[ChargeIdMetadata]);
        Assert.Equal("rf_ours_1", line[RefundIdMetadata]);
        AssertEmpty(line[DisputeId], line[PayoutId], line[PayoutIdMetadata]);
    }

    [Fact]
    public async Task Refund_made_at_the_psp_has_an_empty_refund_id_metadata()
    {
        var day = await SettlementDays.StartNextDayAsync(_api);
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: 4999);
        var refund = await _api.PostAsync("/v1/refunds", SimulatorApi.NewKey(), ("payment_intent", intent.Id), ("amount", "700"));

        var line = (await SettlementDays.CloseAsync(_api, day)).Single(l => l[ReportingCategory] == "refund");

        Assert.Equal(refund.Id, line[RefundId]);
        Assert.Equal("-700", line[Net]);
        Assert.Empty(line[RefundIdMetadata]);
    }

    [Fact]
    public async Task PaymentIntent_made_at_the_psp_directly_has_an_empty_charge_id_metadata()
    {
        var day = await SettlementDays.StartNextDayAsync(_api);
        var intent = await _api.PostAsync(
            "/v1/payment_intents",
            SimulatorApi.NewKey(),
            ("amount", "2500"),
            ("currency", "usd"),
            ("payment_method", "pm_card_visa"),
            ("confirm", "true"));

        var line = Assert.Single((await SettlementDays.CloseAsync(_api, day)).Skip(1));

        Assert.Equal(intent.Id, line[PaymentIntentId]);
        Assert.Equal("charge", line[ReportingCategory]);
        Assert.Empty(line[ChargeIdMetadata]);
    }

    [Fact]
    public async Task Dispute_line_takes_the_amount_and_the_fee_so_net_is_minus_amount_plus_fee()
    {
        var day = await SettlementDays.StartNextDayAsync(_api);
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 4999);
        var dispute = (await _api.OpenDisputeAsync(intent.Id, amount: 3000)).Json;

        var lines = (await SettlementDays.CloseAsync(_api, day)).Skip(1).ToList();

        var line = Assert.Single(lines, l => l[ReportingCategory] == "dispute");
        Assert.Equal(2, lines.Count);
        Assert.Equal(new[] { -3000, DisputeFee, -(3000 + DisputeFee) }, line[Gross..(Net + 1)].Select(v => long.Parse(v, CultureInfo.InvariantCulture)));
        Assert.Equal(intent.Id, line[PaymentIntentId]);
        Assert.Equal(dispute["id"]!.GetValue<string>(), line[DisputeId]);
        Assert.Equal(chargeId, line[ChargeIdMetadata]);
        AssertEmpty(line[RefundId], line[PayoutId], line[PayoutIdMetadata], line[RefundIdMetadata]);
    }

    [Fact]
    public async Task Won_dispute_gives_the_amount_back_as_a_dispute_reversal_line_without_fee()
    {
        var day = await SettlementDays.StartNextDayAsync(_api);
        var chargeId = SimulatorApi.NewChargeId();
        var intent = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 4999);
        var disputeId = (await _api.OpenDisputeAsync(intent.Id, amount: 3000)).Json["id"]!.GetValue<string>();
        await CloseDisputeAsync(disputeId, "won");

        var line = (await SettlementDays.CloseAsync(_api, day)).Single(l => l[ReportingCategory] == "dispute_reversal");

        Assert.Equal(new[] { "3000", "0", "3000" }, line[Gross..(Net + 1)]);
        Assert.Equal(intent.Id, line[PaymentIntentId]);
        Assert.Equal(disputeId, line[DisputeId]);
        Assert.Equal(chargeId, line[ChargeIdMetadata]);
        AssertEmpty(line[RefundId], line[PayoutId], line[PayoutIdMetadata], line[RefundIdMetadata]);
    }

    [Fact]
    public async Task Lost_dispute_adds_no_line_when_it_closes()
    {
        var day = await SettlementDays.StartNextDayAsync(_api);
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: 4999);
        var disputeId = (await _api.OpenDisputeAsync(intent.Id)).Json["id"]!.GetValue<string>();
        await CloseDisputeAsync(disputeId, "lost");

        var categories = (await SettlementDays.CloseAsync(_api, day)).Skip(1).Select(l => l[ReportingCategory]);

        Assert.Equal(new[] { "charge", "dispute" }, categories);
    }

    [Fact]
    public async Task Line_carried_out_on_a_later_day_is_only_in_that_days_report_with_an_id_of_its_own()
    {
        var first = await SettlementDays.StartNextDayAsync(_api);
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: 4999);
        var disputeId = (await _api.OpenDisputeAsync(intent.Id)).Json["id"]!.GetValue<string>();
        var second = await SettlementDays.StartNextDayAsync(_api);
        await CloseDisputeAsync(disputeId, "won");

        var firstLines = (await SettlementDays.ReportAsync(_api, first)).Skip(1).ToList();
        var secondLines = (await SettlementDays.CloseAsync(_api, second)).Skip(1).ToList();

        Assert.Equal(new[] { "charge", "dispute" }, firstLines.Select(l => l[ReportingCategory]));
        Assert.Equal(new[] { "dispute_reversal" }, secondLines.Select(l => l[ReportingCategory]));
        Assert.StartsWith(SettlementDays.Text(second), secondLines[0][CreatedUtc], StringComparison.Ordinal);
        Assert.Equal(3, firstLines.Concat(secondLines).Select(l => l[BalanceTransactionId]).Distinct().Count());
    }

    [Fact]
    public async Task Report_is_the_same_when_fetched_twice()
    {
        var day = await SettlementDays.StartNextDayAsync(_api);
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: 4999);
        await _api.PostAsync("/v1/refunds", SimulatorApi.NewKey(), ("payment_intent", intent.Id), ("amount", "999"), ("metadata[refund_id]", "rf_twice"));
        await _api.OpenDisputeAsync(intent.Id);
        await _api.PostControlAsync("/_sim/settlement/close?date=" + SettlementDays.Text(day));

        var first = await _api.GetAsync("/v1/settlement_reports/" + SettlementDays.Text(day));
        var second = await _api.GetAsync("/v1/settlement_reports/" + SettlementDays.Text(day));

        Assert.Equal(4, first.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(first.Body, second.Body);
    }

    private static void AssertEmpty(params string[] fields) => Assert.All(fields, field => Assert.Equal(string.Empty, field));

    private Task<JsonNode> CloseDisputeAsync(string disputeId, string status) =>
        _api.PostControlAsync("/_sim/disputes/" + disputeId + "/close", "{\"status\":\"" + status + "\"}");
}
