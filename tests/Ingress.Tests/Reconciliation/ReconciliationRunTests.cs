using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Payments.Ingress.Tests.Support;
using Payments.Pipeline.Reconciliation;
using Payments.Testing;

namespace Payments.Ingress.Tests.Reconciliation;

/// <summary>Runs are asked for by the tests: the worker must not take a day first.</summary>
public sealed class ManualReconcilerFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["Reconciliation:Enabled"] = "false",
    };
}

/// <summary>
/// A settlement day the service saw whole reconciles with every line matched, the PSP's fees
/// posted and the ledger's PSP balance equal to the PSP's; run again it changes nothing; reports
/// written by hand bring each kind of discrepancy, and a malformed one changes nothing.
/// </summary>
public sealed class ReconciliationRunTests(ManualReconcilerFixture service) : IClassFixture<ManualReconcilerFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Day_the_service_saw_whole_reconciles_every_line_matched_with_fees_posted_and_the_balances_equal()
    {
        var full = await CaptureAsync(10_000);
        using (var partial = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(8000, capture: false)))
        {
            var authorized = await ServiceFixture.ReadObjectAsync(partial);
            using var captured = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/charges/{authorized["id"]}/capture", ChargeBodies.NewKey(), "{\"amount\": 5000}");
            Assert.Equal(HttpStatusCode.OK, captured.StatusCode);
            using var refundAtPsp = await service.PspPostAsync("/v1/refunds", $"payment_intent={authorized["psp_reference"]}&amount=1000");
            Assert.True(refundAtPsp.IsSuccessStatusCode);
            await service.WaitForChargeAsync((string)authorized["id"]!, c => (long)c["amount_refunded"]! == 1000, Bound);
        }

        using (var refund = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/charges/{full.Id}/refunds", ChargeBodies.NewKey(), "{\"amount\": 2000}"))
        {
            Assert.True(refund.IsSuccessStatusCode, await refund.Content.ReadAsStringAsync());
        }

        await service.WaitForChargeAsync(full.Id, c => (long)c["amount_refunded"]! == 2000, Bound);
        var disputed = await CaptureAsync(7000);
        using (var opened = await service.Simulator.PostAsJsonAsync("/_sim/disputes", new { payment_intent = disputed.PaymentIntent }))
        {
            var dispute = await ServiceFixture.ReadObjectAsync(opened);
            await service.WaitForChargeAsync(disputed.Id, c => c["dispute"] is not null, Bound);
            using var won = await service.Simulator.PostAsJsonAsync($"/_sim/disputes/{dispute["id"]}/close", new { status = "won" });
            Assert.True(won.IsSuccessStatusCode);
        }

        var lost = await CaptureAsync(6000);
        using (var opened = await service.Simulator.PostAsJsonAsync("/_sim/disputes", new { payment_intent = lost.PaymentIntent }))
        {
            var dispute = await ServiceFixture.ReadObjectAsync(opened);
            await service.WaitForChargeAsync(lost.Id, c => c["dispute"] is not null, Bound);
            using var closedLost = await service.Simulator.PostAsJsonAsync($"/_sim/disputes/{dispute["id"]}/close", new { status = "lost" });
            Assert.True(closedLost.IsSuccessStatusCode);
        }

        await Poll.UntilAsync(
            async () => await service.Database.ScalarAsync<long>(
                "SELECT count(*) FROM disputes WHERE (charge_id = $1 AND status = 'won') OR (charge_id = $2 AND status = 'lost')", disputed.Id, lost.Id) == 2,
            "the disputes won and lost to reach our records", Bound);
        var date = await CloseTodayAsync();
        var report = await service.Simulator.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/v1/settlement_reports/{date}") { Headers = { Authorization = new("Bearer", "sk_test_sim") } });
        var chargeLinesWithFee = (await report.Content.ReadAsStringAsync()).Split('\n').Count(l => l.Split(',') is { Length: > 7 } f && f[3] == "charge" && f[7] != "0");

        var run = await RunAsync(date, ChargeBodies.NewKey());

        Assert.Equal("completed", (string?)run["status"]);
        Assert.Equal(0, (int)run["discrepancies"]!);
        Assert.Equal((int)run["lines"]!, (int)run["matched"]!);
        Assert.True((int)run["lines"]! >= 9, run.ToJsonString());
        Assert.Equal(chargeLinesWithFee, await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals WHERE reference LIKE 'psp_fee:%'"));
        Assert.Equal(run["psp_balance"]!.ToJsonString(), run["ledger_psp_balance"]!.ToJsonString());
        var truth = await service.TruthAsync();
        Assert.Equal((long)truth["balance"]!["usd"]!, (long)run["psp_balance"]!.AsArray().Single(b => (string?)b!["currency"] == "USD")!["amount"]!);
        using var operatorClient = service.ClientFor(ServiceFixture.OperatorKey);
        var balances = (await ServiceFixture.ReadObjectAsync(await operatorClient.GetAsync("/v1/ledger/balances")))["data"]!.AsArray();
        Assert.Contains(balances, b => (string?)b!["account"] == "psp_fees" && (long)b["balance"]! > 0);
        Assert.All(balances.GroupBy(b => (string?)b!["currency"]), currency => Assert.Equal(0L, currency.Sum(b => (long)b!["balance"]!)));
        Assert.Equal((long)run["ledger_psp_balance"]!.AsArray().Single()!["amount"]!, (long)balances.Single(b => (string?)b!["account"] == "psp_receivable")!["balance"]!);

        // Run again: every line was reconciled before, so nothing is posted, matched or found twice.
        var journals = await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals");
        var again = await RunAsync(date, ChargeBodies.NewKey());
        Assert.Equal(("completed", 0, 0), ((string?)again["status"], (int)again["matched"]!, (int)again["discrepancies"]!));
        Assert.Equal(journals, await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals"));
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM discrepancies"));
    }

    [Fact]
    public async Task Same_Idempotency_Key_answers_the_same_run_and_a_busy_date_starts_nothing()
    {
        var key = ChargeBodies.NewKey();
        var first = await RunAsync("2020-01-05", key);
        using var operatorClient = service.ClientFor(ServiceFixture.OperatorKey);
        using var replay = await ServiceFixture.PostJsonAsync(operatorClient, "/v1/reconciliation/runs", key, "{\"date\": \"2020-01-05\"}");
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal((string?)first["id"], (string?)(await ServiceFixture.ReadObjectAsync(replay))["id"]);

        // A run of the date is running (as another instance's would be): the second asks in vain.
        var store = service.Services.GetRequiredService<ReconciliationStore>();
        var running = Assert.IsType<RunStart.Started>(await store.StartAsync(new DateOnly(2020, 1, 6), null, null, CancellationToken.None));
        await using var runningOwner = running.Owner;
        using var busy = await ServiceFixture.PostJsonAsync(operatorClient, "/v1/reconciliation/runs", ChargeBodies.NewKey(), "{\"date\": \"2020-01-06\"}");
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        Assert.Equal("run_in_progress", (string?)(await ServiceFixture.ReadObjectAsync(busy))["code"]);
        await store.FailAsync(running.RunId, "ended by the test", CancellationToken.None);
    }

    [Fact]
    public async Task Run_abandoned_by_a_crashed_instance_does_not_block_its_date_for_ever()
    {
        // A run left running an hour ago: its instance died mid-run.
        await service.Database.ScalarAsync<long>(
            "WITH r AS (INSERT INTO reconciliation_runs (id, date, created_at) VALUES ('rr_abandoned', '2020-01-07', now() - interval '1 hour') RETURNING 1) SELECT count(*) FROM r");

        var run = await RunAsync("2020-01-07", ChargeBodies.NewKey());

        Assert.NotEqual("rr_abandoned", (string?)run["id"]);
        Assert.Equal("failed", await service.Database.ScalarAsync<string>("SELECT status FROM reconciliation_runs WHERE id = 'rr_abandoned'"));
    }

    [Fact]
    public async Task Run_left_running_by_an_instance_that_is_gone_frees_its_date_at_once_and_its_late_completion_changes_nothing()
    {
        // A run started a moment ago by an instance that died: its row says running, nobody holds the date.
        await service.Database.ExecuteAsync("INSERT INTO reconciliation_runs (id, date) VALUES ('rr_owner_gone', '2020-01-08')");

        var run = await RunAsync("2020-01-08", ChargeBodies.NewKey());

        Assert.NotEqual("rr_owner_gone", (string?)run["id"]);
        Assert.NotEqual("running", (string?)run["status"]);
        Assert.Equal("failed", await service.Database.ScalarAsync<string>("SELECT status FROM reconciliation_runs WHERE id = 'rr_owner_gone'"));

        // The abandoned run's late end (an owner that was cut off, not dead) keeps the abandoned verdict.
        var store = service.Services.GetRequiredService<ReconciliationStore>();
        await store.CompleteAsync("rr_owner_gone", (1, 1, 0, 0), "[]", "[]", CancellationToken.None);
        await store.FailAsync("rr_owner_gone", "late failure", CancellationToken.None);
        Assert.Equal("failed abandoned: the instance running it stopped", await service.Database.ScalarAsync<string>(
            "SELECT status || ' ' || failure_reason FROM reconciliation_runs WHERE id = 'rr_owner_gone'"));
    }

    [Fact]
    public async Task Run_failed_as_abandoned_stays_failed_when_its_owner_completes_or_fails_late()
    {
        // Its owner was cut off (not dead) and a later run of the date failed it as abandoned.
        await service.Database.ExecuteAsync("INSERT INTO reconciliation_runs (id, date) VALUES ('rr_cut_off', '2020-01-09')");
        await service.Database.ExecuteAsync(
            "UPDATE reconciliation_runs SET status = 'failed', failure_reason = 'abandoned: the instance running it stopped', completed_at = now() WHERE id = 'rr_cut_off'");
        var store = service.Services.GetRequiredService<ReconciliationStore>();

        await store.CompleteAsync("rr_cut_off", (3, 3, 0, 0), "[]", "[]", CancellationToken.None);
        await store.FailAsync("rr_cut_off", "late failure", CancellationToken.None);

        Assert.Equal("failed abandoned: the instance running it stopped 0", await service.Database.ScalarAsync<string>(
            "SELECT status || ' ' || failure_reason || ' ' || lines FROM reconciliation_runs WHERE id = 'rr_cut_off'"));
    }

    [Fact]
    public async Task Hand_written_report_brings_each_kind_of_discrepancy_and_a_malformed_one_changes_nothing()
    {
        var ours = await CaptureAsync(4000);
        var other = await CaptureAsync(4100);
        var reconciler = service.Services.GetRequiredService<Reconciler>();
        var store = service.Services.GetRequiredService<ReconciliationStore>();
        var date = new DateOnly(2020, 1, 2);
        const string Header = "balance_transaction_id,created_utc,available_on_utc,reporting_category,payment_intent_id,refund_id,gross,fee,net,currency,charge_id_metadata,dispute_id,payout_id,payout_id_metadata,refund_id_metadata";
        var stamp = "2020-01-02T10:00:00Z,2020-01-04T00:00:00Z";
        var report = string.Join('\n',
            Header,
            $"txn_hw_1,{stamp},charge,{ours.PaymentIntent},,3999,0,3999,usd,{ours.Id},,,,",
            $"txn_hw_2,{stamp},charge,{other.PaymentIntent},,4100,0,4100,eur,{other.Id},,,,",
            $"txn_hw_2,{stamp},charge,{other.PaymentIntent},,4100,0,4100,eur,{other.Id},,,,",
            $"txn_hw_3,{stamp},charge,pi_made_at_the_psp,,2500,0,2500,usd,,,,,") + "\n";
        var started = Assert.IsType<RunStart.Started>(await store.StartAsync(date, null, null, CancellationToken.None));
        await using var startedOwner = started.Owner;

        await reconciler.ReconcileAsync(started.RunId, date, report, CancellationToken.None);

        var kinds = await service.Database.ScalarAsync<string>("SELECT string_agg(DISTINCT kind, ',' ORDER BY kind) FROM discrepancies WHERE run_id = $1", started.RunId);
        Assert.Equal("amount_mismatch,balance_mismatch,currency_mismatch,duplicate_line,unknown_at_psp", kinds);
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM discrepancies WHERE run_id = $1 AND status <> 'open'", started.RunId));
        Assert.Equal("captured", (string?)(await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/charges/{ours.Id}")))["status"]);

        var before = await CountsAsync();
        var malformed = Assert.IsType<RunStart.Started>(await store.StartAsync(new DateOnly(2020, 1, 3), null, null, CancellationToken.None));
        await using var malformedOwner = malformed.Owner;
        await reconciler.ReconcileAsync(malformed.RunId, new DateOnly(2020, 1, 3), Header + "\ntxn_x,2020-01-03T10:00:00Z,2020-01-05T00:00:00Z,charge,pi_1,,100,5,90,usd,,,,,\n", CancellationToken.None);
        var failed = JsonNode.Parse((await store.RunJsonAsync(malformed.RunId))!)!;
        Assert.Equal("failed", (string?)failed["status"]);
        Assert.Contains("line 2: net 90 is not gross 100 less fee 5", (string?)failed["failure_reason"], StringComparison.Ordinal);
        Assert.Equal(before, await CountsAsync());
    }

    private async Task<(long Lines, long Discrepancies, long Journals)> CountsAsync() => (
        await service.Database.ScalarAsync<long>("SELECT count(*) FROM settlement_lines"),
        await service.Database.ScalarAsync<long>("SELECT count(*) FROM discrepancies"),
        await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals"));

    private async Task<(string Id, string PaymentIntent)> CaptureAsync(long amount)
    {
        using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(amount));
        var charge = await ServiceFixture.ReadObjectAsync(created);
        Assert.Equal("captured", (string?)charge["status"]);
        return ((string)charge["id"]!, (string)charge["psp_reference"]!);
    }

    private async Task<string> CloseTodayAsync()
    {
        using var closed = await service.Simulator.PostAsync("/_sim/settlement/close", null);
        Assert.True(closed.IsSuccessStatusCode, await closed.Content.ReadAsStringAsync());
        return (string)(await ServiceFixture.ReadObjectAsync(closed))["date"]!;
    }

    private async Task<JsonObject> RunAsync(string date, string key)
    {
        using var client = service.ClientFor(ServiceFixture.OperatorKey);
        using var response = await ServiceFixture.PostJsonAsync(client, "/v1/reconciliation/runs", key, $"{{\"date\": \"{date}\"}}");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await ServiceFixture.ReadObjectAsync(response);
    }
}
