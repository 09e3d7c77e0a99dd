using System.Text.Json.Nodes;

namespace Payments.Chaos.Schedules;

/// <summary>
/// Derives a schedule from its seed alone (<see cref="Random(int)"/> is the same sequence for a seed
/// on every run). Which schedules carry a process fault follows from the seed too, so that any
/// thousand consecutive seeds hold 125 instance kills, 25 database restarts and 6 or 7
/// compressed outages.
/// </summary>
internal static class ScheduleGenerator
{
    // What a proxy in front of the PSP may answer (the simulator's list): a 400 or 404 from it is not the PSP's.
    private static readonly int[] GatewayStatuses = [400, 404, 408, 500, 502, 504];

    private static readonly (StepKind Kind, int Weight)[] Mix =
    [
        (StepKind.Charge, 34),
        (StepKind.Capture, 8),
        (StepKind.Void, 4),
        (StepKind.Refund, 9),
        (StepKind.RetrySameKey, 8),
        (StepKind.ConcurrentDuplicates, 7),
        (StepKind.FreshKeyRetryWithOrderId, 5),
        (StepKind.Dispute, 5),
        (StepKind.PspCapture, 4),
        (StepKind.PspRefund, 4),
        (StepKind.PspCancel, 2),
        (StepKind.Payout, 6),
    ];

    public static bool KillsAnInstance(int seed) => seed % 8 == 3;

    public static bool RestartsTheDatabase(int seed) => seed % 40 == 7;

    public static bool HasAnOutage(int seed) => seed % 150 == 11;

    public static Schedule Generate(int seed)
    {
        var random = new Random(seed);
        var count = random.Next(6, 13);
        var steps = new List<WorkloadStep>(count);
        for (var i = 0; i < count; i++)
        {
            var kind = i == 0 ? StepKind.Charge : Pick(random);
            steps.Add(new WorkloadStep(
                Index: i,
                Kind: kind,
                Instance: random.Next(2),
                Target: random.Next(1_000),
                Amount: random.Next(100, 20_001),
                Capture: random.NextDouble() < 0.7,
                PaymentMethod: random.NextDouble() switch
                {
                    < 0.05 => "pm_card_chargeDeclined",
                    < 0.10 => "pm_card_chargeDeclinedInsufficientFunds",
                    _ => "pm_card_visa",
                },
                SplitSellers: random.NextDouble() < 0.3 ? random.Next(1, 3) : 0,
                RespondAsync: random.NextDouble() < 0.5,
                WithOrderId: random.NextDouble() < 0.5,
                Copies: random.Next(2, 4),
                Outcome: random.NextDouble() switch { < 0.4 => "won", < 0.8 => "lost", _ => "open" }));
        }

        var faults = new List<FaultPhase> { Phase(random, seed, 0) };
        if (random.NextDouble() < 0.6)
        {
            faults.Add(Phase(random, seed, random.Next(1, count)));
        }

        if (HasAnOutage(seed))
        {
            var at = random.Next(1, count);
            var plan = Plan(random, seed, out var summary);
            var duration = random.Next(6_000, 12_001);
            var mode = random.NextDouble() < 0.5 ? "503" : "refuse";
            plan["outage"] = new JsonObject { ["duration_ms"] = duration, ["mode"] = mode };
            faults.Add(new FaultPhase(at, plan, $"{summary} outage({duration}ms,{mode},+10min)", CompressedOutage: true));
        }

        faults.Sort((x, y) => x.AtStep.CompareTo(y.AtStep));
        ProcessFault? process = null;
        if (KillsAnInstance(seed))
        {
            process = new ProcessFault(ProcessFaultKind.KillInstance, random.Next(count), random.Next(0, 400), random.Next(2), random.Next(200, 1_500));
        }
        else if (RestartsTheDatabase(seed))
        {
            process = new ProcessFault(ProcessFaultKind.RestartDatabase, random.Next(count), random.Next(0, 400), 0, random.Next(500, 2_500));
        }

        return new Schedule(seed, steps, faults, process);
    }

    private static StepKind Pick(Random random)
    {
        var roll = random.Next(Mix.Sum(m => m.Weight));
        foreach (var (kind, weight) in Mix)
        {
            if (roll < weight)
            {
                return kind;
            }

            roll -= weight;
        }

        return StepKind.Charge;
    }

    private static FaultPhase Phase(Random random, int seed, int atStep)
    {
        var plan = Plan(random, seed, out var summary);
        return new FaultPhase(atStep, plan, summary, CompressedOutage: false);
    }

    /// <summary>
    /// A PSP fault plan: latency always, and each request fault with a chance. Holds and
    /// latencies stay around the service's 1 s attempt timeout, so calls both succeed and time out.
    /// </summary>
    private static JsonObject Plan(Random random, int seed, out string summary)
    {
        var min = random.Next(5, 60);
        var plan = new JsonObject
        {
            ["seed"] = seed,
            ["latency_ms"] = new JsonObject { ["min"] = min, ["max"] = min + random.Next(20, 400) },
        };
        var names = new List<string> { $"lat{min}" };
        void Maybe(string name, Func<JsonObject> make)
        {
            if (random.NextDouble() < 0.3)
            {
                plan[name] = make();
                names.Add(name);
            }
        }

        double Rate(double max) => Math.Round(0.03 + (random.NextDouble() * (max - 0.03)), 3);

        Maybe("timeout", () => new JsonObject { ["rate"] = Rate(0.25), ["hold_ms"] = random.Next(1_100, 2_500), ["execute"] = random.NextDouble() < 0.5 });
        Maybe("error_500_before", () => new JsonObject { ["rate"] = Rate(0.2) });
        Maybe("error_500_after", () => new JsonObject { ["rate"] = Rate(0.2) });
        Maybe("reset_after", () => new JsonObject { ["rate"] = Rate(0.2) });
        Maybe("rate_limit", () => new JsonObject { ["rate"] = Rate(0.15) });
        Maybe("gateway_error", () => new JsonObject { ["rate"] = Rate(0.15), ["status"] = GatewayStatuses[random.Next(GatewayStatuses.Length)] });
        Maybe("decline", () => new JsonObject { ["rate"] = Rate(0.15), ["payment_methods"] = new JsonArray("pm_card_visa") });
        Maybe("webhooks", () => new JsonObject
        {
            ["drop_rate"] = Math.Round(random.NextDouble() * 0.5, 3),
            ["duplicate_rate"] = Math.Round(random.NextDouble() * 0.3, 3),
            ["reorder_rate"] = Math.Round(random.NextDouble() * 0.3, 3),
            ["reorder_max_hold_ms"] = 1_000,
            ["delay_ms"] = new JsonObject { ["min"] = 0, ["max"] = random.Next(1, 500) },
        });
        summary = string.Join('+', names);
        return plan;
    }
}
