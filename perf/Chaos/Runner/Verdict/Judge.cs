using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;
using Payments.Chaos.Running;
using Payments.Chaos.Stack;

namespace Payments.Chaos.Verdict;

/// <summary>
/// Gives the system a bounded time to agree with the PSP once the faults stop, timing how long it
/// takes; then checks the ledger and, after a reconciliation run of the PSP's day, the ledger's PSP
/// balance against the PSP's.
/// </summary>
internal sealed class Judge(ChaosStack stack, MerchantCaller caller, DateOnly firstDay)
{
    private readonly HashSet<string> _knownCharges = new(StringComparer.Ordinal);
    private readonly HashSet<string> _knownPayouts = new(StringComparer.Ordinal);

    // A lasting problem found over the PSP's whole truth stays in it: it is the violation of the
    // schedule that first shows it, not of every schedule after.
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);

    // The first PSP day no run has reconciled yet.
    private DateOnly _nextDay = firstDay;

    /// <summary>What the last verdict looked at, for the schedule's line (a check over nothing proves nothing).</summary>
    public string Checked { get; private set; } = "";

    public async Task<(TimeSpan Converged, IReadOnlyList<Problem> Violations)> ConvergeAsync(DateTime since, ScheduleLog log, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        var accepted = log.Accepted.Keys.ToList();
        List<Problem> problems;
        while (true)
        {
            try
            {
                var truth = await TruthAsync().ConfigureAwait(false);
                var ours = await OurRecords.ReadAsync(stack.Database, since, accepted).ConfigureAwait(false);
                problems = [.. TruthChecks.ExactlyOnce(truth), .. await UnknownToUsAsync(truth).ConfigureAwait(false), .. TruthChecks.Agreement(truth, ours, accepted, stack.Sink)];
                Checked = $"{ours.Charges.Count}ch/{ours.Refunds.Count}rf/{ours.Disputes.Count}dp/{ours.Payouts.Count}po/{ours.Feed.Count}ev";
            }
            catch (NpgsqlException e)
            {
                problems = [new Problem("read", $"our database did not answer: {e.Message}")];
            }
            if (problems.Count == 0 || problems.Any(p => p.Lasting) || clock.Elapsed > bound)
            {
                break;
            }

            await Task.Delay(500).ConfigureAwait(false);
        }

        var converged = clock.Elapsed;
        problems.RemoveAll(p => p.Lasting && !_reported.Add(p.ToString()));
        if (problems.Count == 0)
        {
            problems.AddRange(await LedgerAsync().ConfigureAwait(false));
        }

        if (problems.Count == 0)
        {
            problems.AddRange(await ReconcileAsync().ConfigureAwait(false));
        }
        else
        {
            // The PSP's day still turns, so the next schedule starts on a day of its own.
            await AdvanceDayAsync().ConfigureAwait(false);
        }

        return (converged, problems);
    }

    private async Task<JsonObject> TruthAsync() =>
        JsonNode.Parse(await stack.Simulator.GetStringAsync("/_sim/truth").ConfigureAwait(false))!.AsObject();

    /// <summary>Money the PSP moved for one of our ids that we have no record of at all.</summary>
    private async Task<IEnumerable<Problem>> UnknownToUsAsync(JsonObject truth)
    {
        var problems = new List<Problem>();
        var chargeIds = truth["payment_intents"]!.AsArray().Select(p => (string?)p!["metadata"]?["charge_id"]).OfType<string>().Where(id => !_knownCharges.Contains(id)).Distinct().ToList();
        if (chargeIds.Count > 0)
        {
            var found = await OurRecords.ExistingAsync(stack.Database, "charges", chargeIds).ConfigureAwait(false);
            _knownCharges.UnionWith(found);
            problems.AddRange(chargeIds.Where(id => !found.Contains(id)).Select(id => new Problem("unknown-to-us", $"the PSP holds a PaymentIntent for charge {id}, which we never recorded", Lasting: true)));
        }

        var payoutIds = truth["payouts"]!.AsArray().Select(p => (string?)p!["metadata"]?["payout_id"]).OfType<string>().Where(id => !_knownPayouts.Contains(id)).Distinct().ToList();
        if (payoutIds.Count > 0)
        {
            var found = await OurRecords.ExistingAsync(stack.Database, "payouts", payoutIds).ConfigureAwait(false);
            _knownPayouts.UnionWith(found);
            problems.AddRange(payoutIds.Where(id => !found.Contains(id)).Select(id => new Problem("unknown-to-us", $"the PSP holds a payout for {id}, which we never recorded", Lasting: true)));
        }

        return problems;
    }

    /// <summary>Every journal balanced per currency (the database refuses others: this checks that it did), and the balances summing to zero.</summary>
    private async Task<IEnumerable<Problem>> LedgerAsync()
    {
        var problems = new List<Problem>();
        var unbalanced = await OurRecords.ScalarAsync(stack.Database,
            "SELECT count(*) FROM (SELECT 1 FROM ledger_entries GROUP BY journal_id, currency HAVING sum(amount) <> 0) AS u").ConfigureAwait(false);
        if (unbalanced > 0)
        {
            problems.Add(new Problem("ledger", $"{unbalanced} journals do not balance", Lasting: true));
        }

        var balances = await caller.OperatorGetAsync("/v1/ledger/balances").ConfigureAwait(false);
        if (balances.Status != 200)
        {
            problems.Add(new Problem("ledger", $"GET /v1/ledger/balances answered {balances.Status}"));
            return problems;
        }

        foreach (var currency in balances.Body!["data"]!.AsArray().GroupBy(b => (string?)b!["currency"]))
        {
            var sum = currency.Sum(b => (long)b!["balance"]!);
            if (sum != 0)
            {
                problems.Add(new Problem("ledger", $"the {currency.Key} balances sum to {sum}", Lasting: true));
            }
        }

        return problems;
    }

    /// <summary>
    /// Closes the PSP's day, reconciles it after every day before it not reconciled yet, and compares
    /// the run's PSP balance, the ledger's PSP balance after it, and the PSP's own balance; then moves
    /// the PSP a day on for the next schedule.
    /// </summary>
    /// <remarks>
    /// The PSP's day can turn inside a schedule (a compressed outage's jump, a run crossing midnight):
    /// the PSP closes the day it left, and its lines are in no later day's report. The service's own
    /// worker reconciles each closed day in turn by the database's date, which the PSP's clock runs
    /// days ahead of here, so the judge does it, as the worker would by the PSP's clock.
    /// </remarks>
    private async Task<IEnumerable<Problem>> ReconcileAsync()
    {
        using var closed = await stack.Simulator.PostAsync("/_sim/settlement/close", null).ConfigureAwait(false);
        var date = (string)JsonNode.Parse(await closed.Content.ReadAsStringAsync().ConfigureAwait(false))!["date"]!;
        var today = DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var days = 0;
        var lines = 0;
        for (var day = _nextDay; day < today; day = day.AddDays(1))
        {
            var earlier = await CloseAndRunAsync(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ConfigureAwait(false);
            if (earlier is null || (string?)earlier["status"] != "completed")
            {
                await AdvanceDayAsync().ConfigureAwait(false);
                return [new Problem("reconciliation", $"the run of {day:yyyy-MM-dd}, a day before {date}, did not complete: {earlier?.ToJsonString() ?? "no run"}")];
            }

            days++;
            lines += (int)earlier["lines"]!;
        }

        var run = await RunToTheEndAsync(date).ConfigureAwait(false);
        // Read before the day turns: turning it lets the PSP carry out what was waiting for it (a
        // payout returned by the bank), which belongs to the next day and the next schedule.
        var truth = await TruthAsync().ConfigureAwait(false);
        await AdvanceDayAsync().ConfigureAwait(false);
        if (run is null || (string?)run["status"] != "completed")
        {
            return [new Problem("reconciliation", $"the run of {date} did not complete: {run?.ToJsonString() ?? "no run"}")];
        }

        _nextDay = today.AddDays(1);
        var problems = new List<Problem>();
        Checked += $"/{days + 1}days/{lines + (int)run["lines"]!}lines";
        var psp = Amounts(run["psp_balance"]);
        var ledger = Amounts(run["ledger_psp_balance"]);
        foreach (var (currency, amount) in truth["balance"]!.AsObject())
        {
            var code = currency.ToUpperInvariant();
            var atPsp = (long)amount!;
            if (psp.GetValueOrDefault(code) != atPsp || ledger.GetValueOrDefault(code) != atPsp)
            {
                problems.Add(new Problem("reconciliation", $"{date}: the PSP's {code} balance is {atPsp}; the run read {psp.GetValueOrDefault(code)}, the ledger holds {ledger.GetValueOrDefault(code)}"));
            }
        }

        return problems;
    }

    private async Task AdvanceDayAsync()
    {
        using var advanced = await stack.Simulator.PostAsync("/_sim/clock/advance?seconds=86400", null).ConfigureAwait(false);
        advanced.EnsureSuccessStatusCode();
    }

    /// <summary>Closes a day before today at the PSP (again is harmless: it closes them itself) and reconciles it.</summary>
    private async Task<JsonObject?> CloseAndRunAsync(string date)
    {
        using (var closed = await stack.Simulator.PostAsync($"/_sim/settlement/close?date={date}", null).ConfigureAwait(false))
        {
            closed.EnsureSuccessStatusCode();
        }

        return await RunToTheEndAsync(date).ConfigureAwait(false);
    }

    private async Task<JsonObject?> RunToTheEndAsync(string date)
    {
        var key = $"chaos-reconcile-{date}-{Guid.NewGuid():N}";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var started = await caller.OperatorPostAsync("/v1/reconciliation/runs", new JsonObject { ["date"] = date }, key).ConfigureAwait(false);
            if (started.Status == 409)
            {
                // The service's own worker is reconciling that day: wait for it, then run again.
                await Task.Delay(500).ConfigureAwait(false);
                key = $"chaos-reconcile-{date}-{Guid.NewGuid():N}";
                continue;
            }

            var run = started.Body;
            while (run is not null && (string?)run["status"] == "running" && DateTime.UtcNow < deadline)
            {
                await Task.Delay(300).ConfigureAwait(false);
                run = (await caller.OperatorGetAsync($"/v1/reconciliation/runs/{run["id"]}").ConfigureAwait(false)).Body ?? run;
            }

            return run;
        }

        return null;
    }

    private static Dictionary<string, long> Amounts(JsonNode? balances) =>
        balances?.AsArray().ToDictionary(b => (string)b!["currency"]!, b => (long)b!["amount"]!, StringComparer.Ordinal) ?? [];
}
