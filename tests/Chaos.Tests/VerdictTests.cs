using System.Text.Json.Nodes;
using Payments.Chaos.Stack;
using Payments.Chaos.Verdict;

namespace Payments.Chaos.Tests;

/// <summary>The verdict's checks on hand-made truths: each finds the fault it is there to find.</summary>
public sealed class VerdictTests
{
    [Fact]
    public void A_charge_authorized_twice_at_the_psp_is_a_lasting_violation()
    {
        var truth = Truth();
        truth["counts_by_charge_id"]!["ch_1"] = new JsonObject { ["authorize"] = 2, ["capture"] = 0 };

        var problem = Assert.Single(TruthChecks.ExactlyOnce(truth));

        Assert.True(problem.Lasting);
        Assert.Contains("ch_1", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refund_id_carried_out_twice_at_the_psp_is_a_violation()
    {
        var truth = Truth();
        truth["refunds"]!.AsArray().Add(Refund("re_1", "rf_1"));
        truth["refunds"]!.AsArray().Add(Refund("re_2", "rf_1"));

        Assert.Contains(TruthChecks.ExactlyOnce(truth), p => p.Detail.Contains("rf_1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_charge_we_call_failed_while_the_psp_captured_it_is_found()
    {
        var truth = Truth();
        truth["payment_intents"]!.AsArray().Add(new JsonObject
        {
            ["id"] = "pi_1", ["status"] = "succeeded", ["amount_received"] = 500, ["amount_refunded"] = 0,
            ["metadata"] = new JsonObject { ["charge_id"] = "ch_1" },
        });
        var ours = Records(new OurCharge("ch_1", "failed", 0, 0, null, 1), new FeedEvent("evt_1", "ch_1", 1));
        await using var sink = await WebhookSink.StartAsync();

        var problems = TruthChecks.Agreement(truth, ours, ["ch_1"], sink).ToList();

        Assert.Contains(problems, p => p.Check == "agree" && p.Detail.Contains("ch_1 is failed", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Check == "delivered");
    }

    [Fact]
    public async Task A_gap_in_a_charges_event_sequence_is_found()
    {
        var ours = Records(new OurCharge("ch_1", "failed", 0, 0, null, 3), new FeedEvent("evt_1", "ch_1", 1), new FeedEvent("evt_3", "ch_1", 3));
        await using var sink = await WebhookSink.StartAsync();

        Assert.Contains(TruthChecks.Agreement(Truth(), ours, ["ch_1"], sink), p => p.Check == "events");
    }

    private static OurRecords Records(OurCharge charge, params FeedEvent[] feed) =>
        new(new Dictionary<string, OurCharge> { [charge.Id] = charge }, [], [], new Dictionary<string, OurPayout>(), feed, 0, 0);

    private static JsonObject Refund(string id, string refundId) => new()
    {
        ["id"] = id, ["payment_intent"] = "pi_1", ["amount"] = 100, ["status"] = "succeeded",
        ["metadata"] = new JsonObject { ["refund_id"] = refundId },
    };

    private static JsonObject Truth() => new()
    {
        ["payment_intents"] = new JsonArray(),
        ["refunds"] = new JsonArray(),
        ["disputes"] = new JsonArray(),
        ["payouts"] = new JsonArray(),
        ["counts_by_idempotency_key"] = new JsonObject(),
        ["counts_by_charge_id"] = new JsonObject(),
        ["counts_by_payout_id"] = new JsonObject(),
        ["balance"] = new JsonObject(),
    };
}
