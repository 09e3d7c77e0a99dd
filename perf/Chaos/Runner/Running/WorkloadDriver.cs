using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Payments.Chaos.Schedules;
using Payments.Chaos.Stack;

namespace Payments.Chaos.Running;

/// <summary>
/// Carries out one workload step as its actor would: the merchant through the service, or the PSP's
/// dashboard and a cardholder's bank at the PSP directly. What comes back is recorded, never judged:
/// a refusal (409, 422) is as legitimate an outcome as a success; the verdict reads the end state.
/// </summary>
internal sealed class WorkloadDriver(ChaosStack stack, MerchantCaller caller, string runNonce)
{
    public async Task ExecuteAsync(Schedule schedule, WorkloadStep step, ScheduleLog log)
    {
        switch (step.Kind)
        {
            case StepKind.Charge:
                await ChargeAsync(schedule, step, log, NewCharge(schedule, step, log)).ConfigureAwait(false);
                break;
            case StepKind.ConcurrentDuplicates:
                var request = NewCharge(schedule, step, log);
                var copies = Enumerable.Range(0, step.Copies)
                    .Select(copy => caller.PostAsync((step.Instance + copy) % 2, "/v1/charges", request.Body, request.Key, step.RespondAsync));
                foreach (var answer in await Task.WhenAll(copies).ConfigureAwait(false))
                {
                    Note(log, request, answer);
                }

                break;
            case StepKind.RetrySameKey when Target(step, log) is { } earlier:
                Note(log, earlier, await caller.PostAsync(step.Instance, "/v1/charges", earlier.Body, earlier.Key, step.RespondAsync).ConfigureAwait(false));
                break;
            case StepKind.FreshKeyRetryWithOrderId when Target(step, log) is { } earlier:
                // A client that mints a new key on every retry: the order id is what guards it.
                var fresh = new ChargeRequest($"{earlier.Key}-fresh{step.Index}", earlier.Body);
                log.Charges.Add(fresh);
                Note(log, fresh, await caller.PostAsync(step.Instance, "/v1/charges", fresh.Body, fresh.Key, step.RespondAsync).ConfigureAwait(false));
                break;
            case StepKind.Capture when await SettledTargetAsync(step, log).ConfigureAwait(false) is { } charge:
                var capture = step.Target % 2 == 0 ? new JsonObject() : new JsonObject { ["amount"] = Math.Max(1, (long)charge["amount"]! * 3 / 4) };
                log.Record(await caller.PostAsync(step.Instance, $"/v1/charges/{charge["id"]}/capture", capture, Key(schedule, step), step.RespondAsync).ConfigureAwait(false), "capture");
                break;
            case StepKind.Void when await SettledTargetAsync(step, log).ConfigureAwait(false) is { } charge:
                log.Record(await caller.PostAsync(step.Instance, $"/v1/charges/{charge["id"]}/void", [], Key(schedule, step), step.RespondAsync).ConfigureAwait(false), "void");
                break;
            case StepKind.Refund when await SettledTargetAsync(step, log).ConfigureAwait(false) is { } charge:
                var refund = new JsonObject { ["amount"] = 1 + (step.Amount % Math.Max(1, (long)charge["amount"]! / 2)) };
                log.Record(await caller.PostAsync(step.Instance, $"/v1/charges/{charge["id"]}/refunds", refund, Key(schedule, step), step.RespondAsync).ConfigureAwait(false), "refund");
                break;
            case StepKind.Dispute when await PaymentIntentAsync(step, log).ConfigureAwait(false) is { } pi:
                await DisputeAsync(pi, step.Outcome).ConfigureAwait(false);
                break;
            case StepKind.PspCapture when await PaymentIntentAsync(step, log).ConfigureAwait(false) is { } pi:
                await PspPostAsync($"/v1/payment_intents/{pi}/capture", []).ConfigureAwait(false);
                break;
            case StepKind.PspCancel when await PaymentIntentAsync(step, log).ConfigureAwait(false) is { } pi:
                await PspPostAsync($"/v1/payment_intents/{pi}/cancel", []).ConfigureAwait(false);
                break;
            case StepKind.PspRefund when await PaymentIntentAsync(step, log).ConfigureAwait(false) is { } pi:
                await PspPostAsync("/v1/refunds", [new("payment_intent", pi), new("amount", (1 + (step.Amount % 500)).ToString(CultureInfo.InvariantCulture))]).ConfigureAwait(false);
                break;
            case StepKind.Payout:
                await PayoutAsync(schedule, step, log).ConfigureAwait(false);
                break;
            default:
                log.Skipped++;
                break;
        }
    }

    private ChargeRequest NewCharge(Schedule schedule, WorkloadStep step, ScheduleLog log)
    {
        var body = new JsonObject
        {
            ["amount"] = step.Amount,
            ["currency"] = "USD",
            ["payment_method"] = step.PaymentMethod,
            ["capture"] = step.Capture,
        };
        if (step.WithOrderId)
        {
            body["order_id"] = $"ord-{runNonce}-{schedule.Seed}-{step.Index}";
        }

        if (step.SplitSellers > 0)
        {
            // Within what the charge leaves after the platform's fee (2.5 % + 10), with room to spare.
            var each = Math.Max(1, (step.Amount - (step.Amount / 40) - 10) / 4 / step.SplitSellers);
            body["splits"] = new JsonArray([.. stack.Sellers.Take(step.SplitSellers).Select(s => (JsonNode)new JsonObject { ["seller"] = s, ["amount"] = each })]);
        }

        var request = new ChargeRequest(Key(schedule, step), body);
        log.Charges.Add(request);
        return request;
    }

    private async Task ChargeAsync(Schedule schedule, WorkloadStep step, ScheduleLog log, ChargeRequest request) =>
        Note(log, request, await caller.PostAsync(step.Instance, "/v1/charges", request.Body, request.Key, step.RespondAsync).ConfigureAwait(false));

    private static void Note(ScheduleLog log, ChargeRequest request, Answer answer)
    {
        log.Record(answer, "charge");
        if (answer.Accepted && answer.Body?["object"]?.GetValue<string>() == "charge")
        {
            request.Id ??= answer.Id;
        }
    }

    private string Key(Schedule schedule, WorkloadStep step) => $"chaos-{runNonce}-{schedule.Seed}-{step.Index}";

    private static ChargeRequest? Target(WorkloadStep step, ScheduleLog log)
    {
        var made = log.Charges.Where(c => c.Id is not null).ToList();
        return made.Count == 0 ? null : made[step.Target % made.Count];
    }

    /// <summary>The target charge once it is no longer pending (or as it is after 4 s), so the step acts on a state.</summary>
    private async Task<JsonObject?> SettledTargetAsync(WorkloadStep step, ScheduleLog log)
    {
        if (Target(step, log) is not { Id: { } id })
        {
            return null;
        }

        JsonObject? charge = null;
        var deadline = DateTime.UtcNow.AddSeconds(4);
        do
        {
            // Only a 200 is the charge: a problem body (a 503 while the database restarts) has a numeric status.
            var read = await caller.GetAsync(step.Instance, $"/v1/charges/{id}").ConfigureAwait(false);
            charge = read.Status == 200 ? read.Body : charge;
            if (charge?["status"]?.GetValue<string>() is { } status && status != "pending")
            {
                return charge;
            }

            await Task.Delay(200).ConfigureAwait(false);
        }
        while (DateTime.UtcNow < deadline);

        return charge;
    }

    private async Task<string?> PaymentIntentAsync(WorkloadStep step, ScheduleLog log) =>
        (await SettledTargetAsync(step, log).ConfigureAwait(false))?["psp_reference"]?.GetValue<string>();

    private async Task DisputeAsync(string paymentIntent, string outcome)
    {
        using var opened = await stack.Simulator.PostAsJsonAsync("/_sim/disputes", new { payment_intent = paymentIntent }).ConfigureAwait(false);
        if (!opened.IsSuccessStatusCode || outcome == "open")
        {
            return;
        }

        var dispute = JsonNode.Parse(await opened.Content.ReadAsStringAsync().ConfigureAwait(false))!["id"]!.GetValue<string>();
        using var closed = await stack.Simulator.PostAsJsonAsync($"/_sim/disputes/{dispute}/close", new { status = outcome }).ConfigureAwait(false);
    }

    /// <summary>A POST made in the PSP's dashboard, with its own key; its answer (even a fault) is the PSP's business.</summary>
    private async Task PspPostAsync(string path, KeyValuePair<string, string>[] form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("Idempotency-Key", $"dashboard-{Guid.NewGuid():N}");
        try
        {
            using var response = await stack.Simulator.SendAsync(request).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            // A reset from the fault plan: the dashboard's call may or may not have been carried out.
        }
    }

    private async Task PayoutAsync(Schedule schedule, WorkloadStep step, ScheduleLog log)
    {
        var payee = step.Target % 4;
        var body = new JsonObject { ["currency"] = "USD" };
        if (payee < stack.Sellers.Count)
        {
            body["seller"] = stack.Sellers[payee];
        }

        if (step.Target % 3 != 0)
        {
            body["amount"] = 1 + (step.Amount % 2_000);
        }

        log.Record(await caller.PostAsync(step.Instance, "/v1/payouts", body, Key(schedule, step), step.RespondAsync).ConfigureAwait(false), "payout");
    }
}
