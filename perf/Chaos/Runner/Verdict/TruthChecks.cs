using System.Text.Json.Nodes;
using Payments.Chaos.Stack;

namespace Payments.Chaos.Verdict;

/// <summary>
/// The checks against the PSP's ground truth: nothing carried out twice for one of our ids, no money
/// moved at the PSP that our records lack, none of our final states contradicting the PSP's, every
/// accepted object present and final, every event delivered with gapless sequences.
/// </summary>
internal static class TruthChecks
{
    private static readonly string[] MoneyKinds = ["authorize", "capture", "refund", "payout"];

    /// <summary>Over the PSP's whole truth: a key, a charge id, a refund id or a payout id carried out more than once.</summary>
    public static IEnumerable<Problem> ExactlyOnce(JsonObject truth)
    {
        foreach (var (key, counts) in truth["counts_by_idempotency_key"]!.AsObject())
        {
            foreach (var kind in MoneyKinds)
            {
                if ((counts?[kind]?.GetValue<int>() ?? 0) > 1)
                {
                    yield return new Problem("exactly-once", $"key {key} carried out {kind} {counts![kind]} times", Lasting: true);
                }
            }
        }

        foreach (var (chargeId, counts) in truth["counts_by_charge_id"]!.AsObject())
        {
            if ((counts?["authorize"]?.GetValue<int>() ?? 0) > 1 || (counts?["capture"]?.GetValue<int>() ?? 0) > 1)
            {
                yield return new Problem("exactly-once", $"charge {chargeId} authorized {counts!["authorize"]} and captured {counts["capture"]} times at the PSP", Lasting: true);
            }
        }

        foreach (var twice in truth["refunds"]!.AsArray().GroupBy(r => (string?)r!["metadata"]?["refund_id"]).Where(g => g.Key is not null && g.Count() > 1))
        {
            yield return new Problem("exactly-once", $"refund {twice.Key} made {twice.Count()} times at the PSP", Lasting: true);
        }

        foreach (var (payoutId, counts) in truth["counts_by_payout_id"]!.AsObject())
        {
            if ((counts?["payout"]?.GetValue<int>() ?? 0) > 1)
            {
                yield return new Problem("exactly-once", $"payout {payoutId} made {counts!["payout"]} times at the PSP", Lasting: true);
            }
        }
    }

    /// <summary>The schedule's charges, refunds, disputes and payouts against the PSP's, and its events against the endpoint's.</summary>
    public static IEnumerable<Problem> Agreement(JsonObject truth, OurRecords ours, IReadOnlyCollection<string> accepted, WebhookSink sink)
    {
        var intents = truth["payment_intents"]!.AsArray().Select(p => p!.AsObject())
            .Where(p => p["metadata"]?["charge_id"] is not null)
            .ToLookup(p => (string)p["metadata"]!["charge_id"]!, StringComparer.Ordinal);
        var refunds = truth["refunds"]!.AsArray().Select(r => r!.AsObject()).ToLookup(r => (string)r["payment_intent"]!, StringComparer.Ordinal);
        var disputes = truth["disputes"]!.AsArray().Select(d => d!.AsObject()).ToLookup(d => (string)d["payment_intent"]!, StringComparer.Ordinal);
        var payouts = truth["payouts"]!.AsArray().Select(p => p!.AsObject())
            .Where(p => p["metadata"]?["payout_id"] is not null)
            .ToLookup(p => (string)p["metadata"]!["payout_id"]!, StringComparer.Ordinal);

        foreach (var id in accepted.Where(id => id.StartsWith("ch_", StringComparison.Ordinal) && !ours.Charges.ContainsKey(id)))
        {
            yield return new Problem("accepted", $"charge {id} was accepted but is not recorded", Lasting: true);
        }

        foreach (var charge in ours.Charges.Values)
        {
            foreach (var problem in Charge(charge, [.. intents[charge.Id]], ours, refunds, disputes))
            {
                yield return problem;
            }
        }

        foreach (var refund in ours.Refunds.Where(r => r.Status == "pending"))
        {
            yield return new Problem("final", $"refund {refund.Id} of {refund.ChargeId} still pending");
        }

        if (ours.PendingOperations > 0)
        {
            yield return new Problem("final", $"{ours.PendingOperations} captures or voids still pending");
        }

        foreach (var payout in ours.Payouts.Values)
        {
            var atPsp = payouts[payout.Id].ToList();
            var expected = atPsp.Count == 0 ? null : (string?)atPsp[0]["status"] switch
            {
                "pending" or "in_transit" => "pending",
                var s => s,
            };
            if (payout.Status == "pending" && atPsp.Count == 0)
            {
                yield return new Problem("final", $"payout {payout.Id} pending and not at the PSP");
            }
            else if (expected is not null && expected != payout.Status)
            {
                yield return new Problem("agree", $"payout {payout.Id} is {payout.Status}, the PSP's {atPsp[0]["id"]} is {atPsp[0]["status"]}");
            }
            else if (expected is null && payout.Status == "paid")
            {
                yield return new Problem("agree", $"payout {payout.Id} is paid but the PSP has none");
            }
            else if (atPsp.Count == 1 && (long)atPsp[0]["amount"]! != payout.Amount)
            {
                yield return new Problem("agree", $"payout {payout.Id} of {payout.Amount}, the PSP paid {atPsp[0]["amount"]}", Lasting: true);
            }
        }

        foreach (var problem in Events(ours, sink))
        {
            yield return problem;
        }
    }

    private static IEnumerable<Problem> Charge(OurCharge charge, List<JsonObject> intents, OurRecords ours, ILookup<string, JsonObject> refunds, ILookup<string, JsonObject> disputes)
    {
        if (charge.Status == "pending")
        {
            yield return new Problem("final", $"charge {charge.Id} still pending");
            yield break;
        }

        if (intents.Count > 1)
        {
            yield break; // Reported by the exactly-once check.
        }

        var intent = intents.SingleOrDefault();
        var expected = (string?)intent?["status"] switch
        {
            null or "requires_payment_method" => ["failed"],
            "requires_capture" => ["authorized"],
            "succeeded" => ["captured"],
            "canceled" => new[] { "voided", "failed" },
            var other => [$"(PSP status {other})"],
        };
        if (!expected.Contains(charge.Status))
        {
            yield return new Problem("agree", $"charge {charge.Id} is {charge.Status}, the PSP's {intent?["id"]?.GetValue<string>() ?? "nothing"} is {intent?["status"]?.GetValue<string>() ?? "absent"}");
            yield break;
        }

        if (intent is null)
        {
            yield break;
        }

        if ((long)intent["amount_received"]! != charge.Captured || (long)intent["amount_refunded"]! != charge.Refunded)
        {
            yield return new Problem("agree", $"charge {charge.Id} captured {charge.Captured} refunded {charge.Refunded}; the PSP received {intent["amount_received"]} refunded {intent["amount_refunded"]}");
        }

        var pi = (string)intent["id"]!;
        var ourRefunds = ours.Refunds.Where(r => r.ChargeId == charge.Id).ToList();
        foreach (var refund in refunds[pi].Where(r => (string?)r["status"] == "succeeded"))
        {
            if (!ourRefunds.Any(r => r.PspReference == (string?)refund["id"] && r.Status == "succeeded" && r.Amount == (long)refund["amount"]!))
            {
                yield return new Problem("agree", $"the PSP's refund {refund["id"]} of {refund["amount"]} on {charge.Id} is not recorded as succeeded");
            }
        }

        foreach (var refund in ourRefunds.Where(r => r.Status == "failed"))
        {
            if (refunds[pi].Any(r => (string?)r["metadata"]?["refund_id"] == refund.Id && (string?)r["status"] == "succeeded"))
            {
                yield return new Problem("agree", $"refund {refund.Id} is failed but the PSP carried it out", Lasting: true);
            }
        }

        foreach (var dispute in disputes[pi])
        {
            if (!ours.Disputes.Any(d => d.PspReference == (string?)dispute["id"] && d.Status == (string?)dispute["status"] && d.Amount == (long)dispute["amount"]!))
            {
                yield return new Problem("agree", $"the PSP's dispute {dispute["id"]} ({dispute["status"]}) on {charge.Id} is not recorded as such");
            }
        }
    }

    /// <summary>Per object, the feed's sequences are 1…last without a gap, and the endpoint got every event at least once.</summary>
    private static IEnumerable<Problem> Events(OurRecords ours, WebhookSink sink)
    {
        var last = ours.Charges.Values.Select(c => (c.Id, c.LastSequence)).Concat(ours.Payouts.Values.Select(p => (p.Id, p.LastSequence)));
        var feed = ours.Feed.ToLookup(e => e.ObjectId, StringComparer.Ordinal);
        foreach (var (id, lastSequence) in last)
        {
            var sequences = feed[id].Select(e => e.Sequence).Order().ToList();
            if (!sequences.SequenceEqual(Enumerable.Range(1, lastSequence)))
            {
                yield return new Problem("events", $"{id}'s feed holds sequences [{string.Join(',', sequences)}], its last is {lastSequence}");
            }
        }

        foreach (var missing in ours.Feed.Where(e => !sink.TryGet(e.EventId, out _)))
        {
            yield return new Problem("delivered", $"event {missing.EventId} ({missing.ObjectId} #{missing.Sequence}) not delivered yet");
        }

        if (ours.ParkedDeliveries > 0)
        {
            yield return new Problem("delivered", $"{ours.ParkedDeliveries} webhook deliveries parked as failed", Lasting: true);
        }

        if (sink.BadSignatures > 0)
        {
            yield return new Problem("delivered", $"{sink.BadSignatures} deliveries with a signature that does not verify", Lasting: true);
        }
    }
}
