using System.Text.Json.Nodes;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Payouts;

/// <summary>Its own PSP and clock: the test moves the PSP's clock a day on and closes that day.</summary>
public sealed class PayoutSettlementFixture : PayoutFixture;

/// <summary>
/// A payout returned by the bank after it was paid gives its money back; the day's report then
/// names every payout and failure, each matched, and the ledger's PSP balance equals the PSP's.
/// </summary>
public sealed class PayoutSettlementTests(PayoutSettlementFixture service) : IClassFixture<PayoutSettlementFixture>
{
    [Fact]
    public async Task Paid_closed_and_returned_payouts_reconcile_line_for_line_and_the_ledger_psp_balance_equals_the_psps()
    {
        var ok = service.Payee("ok");
        var closed = service.Payee("closed");
        var returned = service.Payee("returned");
        var paidId = (string)(await PayoutFixture.CreatePayoutAsync(ok, 3000))["id"]!;
        var closedId = (string)(await PayoutFixture.CreatePayoutAsync(closed, 2000))["id"]!;
        var returnedId = (string)(await PayoutFixture.CreatePayoutAsync(returned, 2500))["id"]!;
        await PayoutFixture.WaitForPayoutAsync(ok, paidId, "paid");
        await PayoutFixture.WaitForPayoutAsync(closed, closedId, "failed");
        await PayoutFixture.WaitForPayoutAsync(returned, returnedId, "paid");
        Assert.Equal(PayoutFixture.Available - 2500, await PayoutFixture.AvailableAsync(returned));

        // The bank returns ba_returned's payout a day after it arrived.
        using (var advanced = await service.Simulator.PostAsync("/_sim/clock/advance?seconds=86410", null))
        {
            Assert.True(advanced.IsSuccessStatusCode);
        }

        var failed = await PayoutFixture.WaitForPayoutAsync(returned, returnedId, "failed");
        Assert.Equal("could_not_process", (string?)failed["failure_code"]);
        Assert.Equal((1, 1), await service.PspCountsAsync(returnedId));
        Assert.Equal(["payout", "payout_sent", "payout_returned"], await service.JournalsAsync(returnedId));
        Assert.Equal("payout.pending#1,payout.paid#2,payout.failed#3", await service.EventsAsync(returnedId));
        Assert.Equal(PayoutFixture.Available, await PayoutFixture.AvailableAsync(returned));

        using var close = await service.Simulator.PostAsync("/_sim/settlement/close", null);
        var date = (string)(await ServiceFixture.ReadObjectAsync(close))["date"]!;
        using var operatorClient = service.ClientFor(ServiceFixture.OperatorKey);
        using var response = await ServiceFixture.PostJsonAsync(operatorClient, "/v1/reconciliation/runs", ChargeBodies.NewKey(), $"{{\"date\": \"{date}\"}}");
        var run = await ServiceFixture.ReadObjectAsync(response);

        Assert.Equal("completed", (string?)run["status"]);
        Assert.Equal(5, (int)run["lines"]!);
        Assert.Equal(5, (int)run["matched"]!);
        Assert.Equal(0, (int)run["discrepancies"]!);
        Assert.True(JsonNode.DeepEquals(run["psp_balance"], run["ledger_psp_balance"]), run.ToJsonString());
        var truth = await service.TruthAsync();
        Assert.Equal((long)truth["balance"]!["usd"]!, (long)run["psp_balance"]![0]!["amount"]!);
        Assert.Equal(
            "payout:matched,payout:matched,payout:matched,payout_failure:matched,payout_failure:matched",
            await service.Database.ScalarAsync<string>(
                "SELECT string_agg(category || ':' || outcome, ',' ORDER BY category, outcome) FROM settlement_lines WHERE date = $1::date", date));
        await service.AssertLedgerBalancedAsync();
    }
}
