using System.Text.Json;
using System.Text.Json.Nodes;
using PspSimulator.Tests.Infrastructure;
using PspSimulator.Tests.Webhooks;

namespace PspSimulator.Tests.Payouts;

/// <summary>
/// A payout's life by the simulator clock (defaults: in transit 1 s after creation, paid at arrival 2 s
/// after, a <c>ba_returned</c> one returned a day after arrival), per test destination, with its events.
/// </summary>
public sealed class PayoutLifecycleTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Ba_ok_goes_in_transit_then_paid_at_its_arrival_date_with_created_and_paid_events()
    {
        var currency = PayoutHelpers.NewCurrency();
        var funded = await PayoutHelpers.FundAsync(_api, currency, 10_000);
        var created = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 3000, currency, "ba_ok", PayoutHelpers.NewPayoutId());

        var moved = await Poll.UntilAsync(
            () => _api.GetAsync("/v1/payouts/" + created.Id),
            a => PayoutHelpers.Status(a) != "pending",
            TimeSpan.FromSeconds(10),
            "the payout to leave pending");
        var paid = await PayoutHelpers.UntilStatusAsync(_api, created.Id, "paid");
        var clock = (await _api.GetAsync("/_sim/clock")).Json["unix"]!.GetValue<long>();

        Assert.Equal("pending", PayoutHelpers.Status(created));
        Assert.Equal("in_transit", PayoutHelpers.Status(moved));
        Assert.True(clock >= paid.Json["arrival_date"]!.GetValue<long>());
        Assert.Null(paid.Json["failure_code"]);
        var events = await _api.EventsOfAsync(created.Id);
        Assert.Equal(["payout.paid", "payout.created"], events.Select(Type));
        Assert.Equal("pending", ObjectStatus(events[1]));
        Assert.Equal("paid", ObjectStatus(events[0]));
        var truth = await _api.TruthAsync();
        Assert.Equal([("payout", 3000L)], PayoutHelpers.Movements(truth, created.Id));
        Assert.Equal(funded - 3000, PayoutHelpers.Balance(truth, currency));
    }

    [Fact]
    public async Task Payout_is_paid_by_the_sweep_without_any_request_reading_it()
    {
        var currency = PayoutHelpers.NewCurrency();
        await PayoutHelpers.FundAsync(_api, currency, 10_000);
        var created = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 1000, currency, "ba_any_other_bank");

        // The event list does not read payouts, so only the sweep can have paid it.
        var events = await Poll.UntilAsync(
            () => _api.EventsOfAsync(created.Id),
            e => e.Any(x => Type(x) == "payout.paid"),
            TimeSpan.FromSeconds(10),
            "payout.paid from the sweep");

        Assert.Equal("paid", ObjectStatus(events[0]));
    }

    [Fact]
    public async Task Ba_closed_fails_account_closed_before_paid_and_gives_the_amount_back()
    {
        var currency = PayoutHelpers.NewCurrency();
        var funded = await PayoutHelpers.FundAsync(_api, currency, 10_000);
        var payoutId = PayoutHelpers.NewPayoutId();
        var key = SimulatorApi.NewKey();
        var created = await PayoutHelpers.CreateAsync(_api, key, 4000, currency, "ba_closed", payoutId);

        var failed = await PayoutHelpers.UntilStatusAsync(_api, created.Id, "failed");

        Assert.Equal("account_closed", failed.Json["failure_code"]!.GetValue<string>());
        var events = await _api.EventsOfAsync(created.Id);
        Assert.Equal(["payout.failed", "payout.created"], events.Select(Type));
        Assert.Equal("failed", ObjectStatus(events[0]));
        Assert.Equal("account_closed", events[0]["data"]!["object"]!["failure_code"]!.GetValue<string>());
        var truth = await _api.TruthAsync();
        Assert.Equal([("payout", 4000L), ("payout_failure", 4000L)], PayoutHelpers.Movements(truth, created.Id));
        Assert.Equal(1, PayoutHelpers.ForPayoutId(truth, payoutId, "payout"));
        Assert.Equal(1, PayoutHelpers.ForPayoutId(truth, payoutId, "payout_failure"));
        Assert.Equal(funded, PayoutHelpers.Balance(truth, currency));
        var inTruth = Assert.Single(PayoutHelpers.Payouts(truth, payoutId));
        Assert.Equal("failed", inTruth["status"]!.GetValue<string>());
        Assert.Equal("account_closed", inTruth["failure_code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ba_returned_is_paid_then_fails_could_not_process_a_day_after_its_arrival_date()
    {
        var currency = PayoutHelpers.NewCurrency();
        var funded = await PayoutHelpers.FundAsync(_api, currency, 10_000);
        var payoutId = PayoutHelpers.NewPayoutId();
        var created = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 2500, currency, "ba_returned", payoutId);
        var paid = await PayoutHelpers.UntilStatusAsync(_api, created.Id, "paid");
        var balanceWhilePaid = PayoutHelpers.Balance(await _api.TruthAsync(), currency);

        await _api.AdvanceClockAsync(TimeSpan.FromHours(23));
        var stillPaid = await _api.GetAsync("/v1/payouts/" + created.Id);
        await _api.AdvanceClockAsync(TimeSpan.FromHours(1));
        var returned = await _api.GetAsync("/v1/payouts/" + created.Id);

        Assert.Equal("paid", PayoutHelpers.Status(stillPaid));
        Assert.Equal("failed", PayoutHelpers.Status(returned));
        Assert.Equal("could_not_process", returned.Json["failure_code"]!.GetValue<string>());
        Assert.Equal(paid.Json["arrival_date"]!.GetValue<long>(), returned.Json["arrival_date"]!.GetValue<long>());
        Assert.Equal(["payout.failed", "payout.paid", "payout.created"], (await _api.EventsOfAsync(created.Id)).Select(Type));
        var truth = await _api.TruthAsync();
        Assert.Equal(funded - 2500, balanceWhilePaid);
        Assert.Equal(funded, PayoutHelpers.Balance(truth, currency));
        Assert.Equal([("payout", 2500L), ("payout_failure", 2500L)], PayoutHelpers.Movements(truth, created.Id));
    }

    [Fact]
    public async Task Payout_events_are_delivered_as_signed_webhooks_carrying_the_payout()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await _api.PostControlAsync(
            "/_sim/webhooks/config",
            JsonSerializer.Serialize(new Dictionary<string, object> { ["url"] = receiver.Url.ToString(), ["secret"] = "whsec_payouts" }));
        var currency = PayoutHelpers.NewCurrency();
        await PayoutHelpers.FundAsync(_api, currency, 10_000);

        var created = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 1500, currency, "ba_closed");
        var deliveries = await Poll.UntilAsync(
            () => Task.FromResult(receiver.Deliveries.Where(d => d.ObjectId == created.Id).ToList()),
            found => found.Count == 2,
            TimeSpan.FromSeconds(10),
            "two payout webhooks");
        await _api.PostControlAsync("/_sim/webhooks/config", """{ "url": null }""");

        Assert.Equal(["payout.created", "payout.failed"], deliveries.Select(d => d.Type).Order(StringComparer.Ordinal));
        Assert.All(deliveries, d => Assert.True(StripeSignature.Verify(d.Signature, d.Body, "whsec_payouts", DateTimeOffset.UtcNow)));
        var failed = deliveries.Single(d => d.Type == "payout.failed").Event["data"]!["object"]!;
        Assert.Equal("payout", failed["object"]!.GetValue<string>());
        Assert.Equal("account_closed", failed["failure_code"]!.GetValue<string>());
    }

    private static string Type(JsonNode evt) => evt["type"]!.GetValue<string>();

    private static string ObjectStatus(JsonNode evt) => evt["data"]!["object"]!["status"]!.GetValue<string>();
}
