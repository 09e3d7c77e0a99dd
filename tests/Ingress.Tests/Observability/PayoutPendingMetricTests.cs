using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.Observability;

/// <summary>
/// The pending gauges tell a payout the PSP has made (waiting for the bank, days at a real PSP)
/// from one still ours to send or resolve: only the latter counts against the PendingBeyondContract alert.
/// </summary>
public sealed class PayoutPendingMetricTests(SlowBankFixture service) : IClassFixture<SlowBankFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Payout_the_PSP_has_made_waits_as_in_transit_not_as_awaiting_psp()
    {
        using (var charge = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(10_000)))
        {
            Assert.Equal("captured", (string?)(await ServiceFixture.ReadObjectAsync(charge))["status"]);
        }

        using (var closed = await service.Simulator.PostAsync("/_sim/settlement/close", null))
        {
            var date = (string)(await ServiceFixture.ReadObjectAsync(closed))["date"]!;
            using var operatorClient = service.ClientFor(ServiceFixture.OperatorKey);
            using var run = await ServiceFixture.PostJsonAsync(operatorClient, "/v1/reconciliation/runs", ChargeBodies.NewKey(), $"{{\"date\": \"{date}\"}}");
            Assert.Equal("completed", (string?)(await ServiceFixture.ReadObjectAsync(run))["status"]);
        }

        // Part of what is available: the demo merchant's fee is below the PSP's, so the PSP's balance holds less than all of it.
        using var payout = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/payouts", ChargeBodies.NewKey(), """{"currency": "USD", "amount": 5000}""");
        var id = (string)(await ServiceFixture.ReadObjectAsync(payout))["id"]!;
        await Poll.UntilAsync(
            async () => await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/payouts/{id}")),
            shown => (string?)shown["status"] == "pending" && shown["psp_reference"] is not null,
            shown => $"the PSP to make the payout; last seen: {shown.ToJsonString()}",
            Bound);

        await Poll.UntilAsync(
            async () => await ServedMetrics.ValueAsync(service.Merchant, "payments_pending{kind=\"payout\",reason=\"in_transit\"}") == 1,
            "the payout to be counted in transit", Bound);
        Assert.Equal(0, await ServedMetrics.ValueAsync(service.Merchant, "payments_pending{kind=\"payout\",reason=\"awaiting_psp\"}"));
        Assert.True(await ServedMetrics.ValueAsync(service.Merchant, "payments_pending_oldest_age_seconds{kind=\"payout\",reason=\"in_transit\"}") > 0);
        Assert.Equal(0, await ServedMetrics.ValueAsync(service.Merchant, "payments_pending_oldest_age_seconds{kind=\"payout\",reason=\"awaiting_psp\"}"));
    }
}
