using System.Net;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Payouts;

/// <summary>
/// Payouts made exactly once, judged on the PSP's ground truth (one PSP payout per payout id), our
/// rows, events and journals, and the payee's balance read from the ledger. Each test pays out of
/// its own payee's funded balance.
/// </summary>
public sealed class PayoutTests(PayoutFixture service) : IClassFixture<PayoutFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => service.ClearFaultsAsync();

    public Task DisposeAsync() => service.ClearFaultsAsync();

    [Fact]
    public async Task Payout_to_an_open_account_is_paid_once_with_its_money_out_of_available_at_once()
    {
        var payee = service.Payee("ok");
        Assert.Equal(PayoutFixture.Available, await PayoutFixture.AvailableAsync(payee));

        var payout = await PayoutFixture.CreatePayoutAsync(payee, 4000);
        var id = (string)payout["id"]!;
        Assert.StartsWith("pyt_", id, StringComparison.Ordinal);
        Assert.Null((string?)payout["seller"]);
        Assert.Equal(PayoutFixture.Available - 4000, await PayoutFixture.AvailableAsync(payee));

        var paid = await PayoutFixture.WaitForPayoutAsync(payee, id, "paid");
        Assert.StartsWith("po_", (string?)paid["psp_reference"], StringComparison.Ordinal);
        Assert.Equal((1, 0), await service.PspCountsAsync(id));
        Assert.Equal(["payout", "payout_sent"], await service.JournalsAsync(id));
        Assert.Equal("payout.pending#1,payout.paid#2", await service.EventsAsync(id));
        Assert.Equal(PayoutFixture.Available - 4000, await PayoutFixture.AvailableAsync(payee));
        await service.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Payout_to_a_closed_account_fails_and_its_amount_is_available_again()
    {
        var payee = service.Payee("closed");
        var payout = await PayoutFixture.CreatePayoutAsync(payee, 3000);
        var id = (string)payout["id"]!;

        var failed = await PayoutFixture.WaitForPayoutAsync(payee, id, "failed");
        Assert.Equal("account_closed", (string?)failed["failure_code"]);
        Assert.Equal((1, 1), await service.PspCountsAsync(id));
        Assert.Equal(["payout", "payout_sent", "payout_returned"], await service.JournalsAsync(id));
        Assert.Equal("payout.pending#1,payout.failed#2", await service.EventsAsync(id));
        Assert.Equal(PayoutFixture.Available, await PayoutFixture.AvailableAsync(payee));
        await service.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Paid_payout_the_bank_returns_fails_from_the_psps_event_log_when_every_webhook_is_lost()
    {
        var payee = service.Payee("quiet");
        var payout = await PayoutFixture.CreatePayoutAsync(payee, 2000);
        var id = (string)payout["id"]!;
        var paid = await PayoutFixture.WaitForPayoutAsync(payee, id, "paid");
        await service.SetFaultsAsync(new { webhooks = new { drop_rate = 1.0 } });

        using (var returned = await service.Simulator.PostAsync($"/_sim/payouts/{paid["psp_reference"]}/return", null))
        {
            Assert.True(returned.IsSuccessStatusCode, await returned.Content.ReadAsStringAsync());
        }

        var failed = await PayoutFixture.WaitForPayoutAsync(payee, id, "failed", TimeSpan.FromSeconds(60));
        Assert.Equal("could_not_process", (string?)failed["failure_code"]);
        Assert.Equal((1, 1), await service.PspCountsAsync(id));
        Assert.Equal(["payout", "payout_sent", "payout_returned"], await service.JournalsAsync(id));
        Assert.Equal("payout.pending#1,payout.paid#2,payout.failed#3", await service.EventsAsync(id));
        Assert.Equal(PayoutFixture.Available, await PayoutFixture.AvailableAsync(payee));
        Assert.Equal("event_log", await service.Database.ScalarAsync<string>(
            "SELECT source FROM psp_webhook_events WHERE type = 'payout.failed' AND object_id = $1", (string)paid["psp_reference"]!));
    }

    [Fact]
    public async Task Payout_of_more_than_is_available_is_refused_422_and_nothing_is_recorded_or_sent()
    {
        var payee = service.Payee("insufficient");
        var before = await CountsAsync();
        var pspPayoutsBefore = (await service.TruthAsync())["payouts"]!.AsArray().Count;

        using var response = await PayoutFixture.PostPayoutAsync(payee, ChargeBodies.NewKey(), PayoutFixture.Available + 1);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await ServiceFixture.ReadObjectAsync(response);
        Assert.Equal("insufficient_available_balance", (string?)problem["code"]);
        Assert.Equal(PayoutFixture.Available, (long)problem["available"]!);
        Assert.Equal(before, await CountsAsync());
        Assert.Equal(pspPayoutsBefore, (await service.TruthAsync())["payouts"]!.AsArray().Count);
        Assert.Equal(PayoutFixture.Available, await PayoutFixture.AvailableAsync(payee));
    }

    [Fact]
    public async Task Payout_without_an_amount_pays_out_everything_available()
    {
        var payee = service.Payee("all");
        var payout = await PayoutFixture.CreatePayoutAsync(payee, amount: null);
        Assert.Equal(PayoutFixture.Available, (long)payout["amount"]!);
        Assert.Equal(0, await PayoutFixture.AvailableAsync(payee));

        await PayoutFixture.WaitForPayoutAsync(payee, (string)payout["id"]!, "paid");

        using var nothingLeft = await PayoutFixture.PostPayoutAsync(payee, ChargeBodies.NewKey(), amount: null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, nothingLeft.StatusCode);
        Assert.Equal(0, (long)(await ServiceFixture.ReadObjectAsync(nothingLeft))["available"]!);
    }

    [Fact]
    public async Task Twenty_concurrent_identical_requests_with_one_key_make_one_payout()
    {
        var payee = service.Payee("one-key");
        var key = ChargeBodies.NewKey();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PayoutFixture.PostPayoutAsync(payee, key, 2500)));

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var response in responses)
        {
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
            ids.Add((string)(await ServiceFixture.ReadObjectAsync(response))["id"]!);
            response.Dispose();
        }

        var id = Assert.Single(ids);
        await PayoutFixture.WaitForPayoutAsync(payee, id, "paid");
        Assert.Equal((1, 0), await service.PspCountsAsync(id));
        Assert.Equal(1, await service.Database.ScalarAsync<long>("SELECT count(*) FROM payouts WHERE merchant_id = $1", PayoutFixture.MerchantIdOf("one-key")));
        Assert.Equal(PayoutFixture.Available - 2500, await PayoutFixture.AvailableAsync(payee));
    }

    [Fact]
    public async Task Twenty_concurrent_payouts_for_a_balance_that_covers_seven_make_exactly_seven()
    {
        var payee = service.Payee("seven");
        const long each = 1300;
        Assert.True(PayoutFixture.Available / each == 7);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PayoutFixture.PostPayoutAsync(payee, ChargeBodies.NewKey(), each)));

        var made = new List<string>();
        var refused = 0;
        foreach (var response in responses)
        {
            var body = await ServiceFixture.ReadObjectAsync(response);
            if (response.StatusCode == HttpStatusCode.UnprocessableEntity)
            {
                Assert.Equal("insufficient_available_balance", (string?)body["code"]);
                refused++;
            }
            else
            {
                Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted, body.ToJsonString());
                made.Add((string)body["id"]!);
            }

            response.Dispose();
        }

        Assert.Equal(7, made.Count);
        Assert.Equal(13, refused);
        foreach (var id in made)
        {
            await PayoutFixture.WaitForPayoutAsync(payee, id, "paid");
            Assert.Equal((1, 0), await service.PspCountsAsync(id));
        }

        Assert.Equal(7, await service.Database.ScalarAsync<long>("SELECT count(*) FROM payouts WHERE merchant_id = $1", PayoutFixture.MerchantIdOf("seven")));
        Assert.Equal(PayoutFixture.Available - (7 * each), await PayoutFixture.AvailableAsync(payee));
        await service.AssertLedgerBalancedAsync();
    }

    public static TheoryData<string, string> FaultsAfterCarriedOut() => new()
    {
        { "timeout", "{\"timeout\": {\"rate\": 1.0, \"hold_ms\": 1500, \"execute\": true, \"operations\": [\"payout\"], \"max_count\": 1}}" },
        { "error-500", "{\"error_500_after\": {\"rate\": 1.0, \"operations\": [\"payout\"], \"max_count\": 1}}" },
        { "reset", "{\"reset_after\": {\"rate\": 1.0, \"operations\": [\"payout\"], \"max_count\": 1}}" },
    };

    [Theory]
    [MemberData(nameof(FaultsAfterCarriedOut))]
    public async Task Payout_whose_create_timed_out_got_a_500_or_a_reset_after_the_psp_made_it_is_made_once_and_ends_paid(string payeeName, string plan)
    {
        await service.SetFaultsAsync(System.Text.Json.Nodes.JsonNode.Parse(plan)!);
        var payee = service.Payee(payeeName);

        var payout = await PayoutFixture.CreatePayoutAsync(payee, 5000);
        var id = (string)payout["id"]!;

        await PayoutFixture.WaitForPayoutAsync(payee, id, "paid");
        Assert.Equal((1, 0), await service.PspCountsAsync(id));
        Assert.Equal(["payout", "payout_sent"], await service.JournalsAsync(id));
        Assert.Equal(1, await FaultsAppliedAsync());
    }

    [Fact]
    public async Task Payout_the_psp_answered_500_without_making_it_fails_once_proven_by_search_and_its_amount_is_available_again()
    {
        await service.SetFaultsAsync(new { error_500_before = new { rate = 1.0, operations = new[] { "payout" }, max_count = 1 } });
        var payee = service.Payee("error-500-before");

        var payout = await PayoutFixture.CreatePayoutAsync(payee, 5000);
        var id = (string)payout["id"]!;

        // The PSP saved its 500 for the key, so a replay can never make it; a search a full lag later proves it was not.
        var failed = await PayoutFixture.WaitForPayoutAsync(payee, id, "failed");
        Assert.Equal("psp_error", (string?)failed["failure_code"]);
        Assert.Null((string?)failed["psp_reference"]);
        Assert.Equal((0, 0), await service.PspCountsAsync(id));
        Assert.Equal(["payout", "payout_cancelled"], await service.JournalsAsync(id));
        Assert.Equal("payout.pending#1,payout.failed#2", await service.EventsAsync(id));
        Assert.Equal(PayoutFixture.Available, await PayoutFixture.AvailableAsync(payee));
        Assert.Equal(1, await FaultsAppliedAsync());
        await service.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Payouts_are_listed_newest_first_filtered_by_status_and_hidden_from_other_merchants()
    {
        var payee = service.Payee("list");
        var first = await PayoutFixture.CreatePayoutAsync(payee, 1000);
        var second = await PayoutFixture.CreatePayoutAsync(payee, 1000);
        await PayoutFixture.WaitForPayoutAsync(payee, (string)second["id"]!, "paid");
        await PayoutFixture.WaitForPayoutAsync(payee, (string)first["id"]!, "paid");

        var list = await ServiceFixture.ReadObjectAsync(await payee.GetAsync("/v1/payouts?status=paid"));
        Assert.Equal(
            [(string)second["id"]!, (string)first["id"]!],
            list["data"]!.AsArray().Select(p => (string)p!["id"]!).ToList());
        var page = await ServiceFixture.ReadObjectAsync(await payee.GetAsync($"/v1/payouts?limit=1&starting_after={second["id"]}"));
        Assert.Equal((string)first["id"]!, (string)page["data"]![0]!["id"]!);

        using var foreign = await service.Merchant.GetAsync($"/v1/payouts/{first["id"]}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        using var badCursor = await payee.GetAsync("/v1/payouts?starting_after=pyt_nope");
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
    }

    [Fact]
    public async Task Capture_is_pending_until_settled_and_a_refund_takes_from_available_at_once_never_below_zero()
    {
        var payee = service.Payee("pending");
        Assert.Equal((PayoutFixture.Available, 0L), (await PayoutFixture.AvailableAsync(payee), await PayoutFixture.PendingAsync(payee)));

        using var created = await ServiceFixture.PostChargeAsync(payee, ChargeBodies.NewKey(), ChargeBodies.Visa(PayoutFixture.Funding));
        var charge = await ServiceFixture.ReadObjectAsync(created);
        Assert.Equal((PayoutFixture.Available, PayoutFixture.Available), (await PayoutFixture.AvailableAsync(payee), await PayoutFixture.PendingAsync(payee)));

        // The merchant gives back the whole refund (the platform keeps its fee): 330 more than the
        // unsettled capture brought, so available is 0 and the rest is less pending.
        using var refund = await ServiceFixture.PostJsonAsync(payee, $"/v1/charges/{charge["id"]}/refunds", ChargeBodies.NewKey(), $"{{\"amount\": {PayoutFixture.Funding}}}");
        Assert.True(refund.IsSuccessStatusCode, await refund.Content.ReadAsStringAsync());
        await Payments.Testing.Poll.UntilAsync(
            async () => await ServiceFixture.ReadObjectAsync(await payee.GetAsync($"/v1/charges/{charge["id"]}")),
            c => (long)c["amount_refunded"]! == PayoutFixture.Funding,
            c => $"the refund did not end: {c.ToJsonString()}",
            TimeSpan.FromSeconds(30));
        Assert.Equal((0L, (2 * PayoutFixture.Available) - PayoutFixture.Funding), (await PayoutFixture.AvailableAsync(payee), await PayoutFixture.PendingAsync(payee)));

        using var payout = await PayoutFixture.PostPayoutAsync(payee, ChargeBodies.NewKey(), 1);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, payout.StatusCode);
    }

    [Theory]
    [InlineData("{\"amount\": 100}", "currency")]
    [InlineData("{\"currency\": \"XXX\", \"amount\": 100}", "currency")]
    [InlineData("{\"currency\": \"USD\", \"amount\": 0}", "amount")]
    [InlineData("{\"currency\": \"USD\", \"amount\": 1.5}", "amount")]
    [InlineData("{\"currency\": \"USD\", \"amount\": \"100\"}", "amount")]
    [InlineData("{\"currency\": \"USD\", \"seller\": 7}", "seller")]
    [InlineData("{\"currency\": \"USD\", \"seller\": \"sel_nobody\"}", "seller")]
    [InlineData("{\"currency\": \"USD\", \"destination\": \"ba_x\"}", "destination")]
    public async Task Bad_payout_request_is_refused_400_with_the_field_named_and_nothing_recorded(string body, string field)
    {
        var payee = service.Payee("validation");
        var before = await CountsAsync();

        using var response = await ServiceFixture.PostJsonAsync(payee, "/v1/payouts", ChargeBodies.NewKey(), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ServiceFixture.ReadObjectAsync(response);
        Assert.Equal("invalid_request", (string?)problem["code"]);
        Assert.NotNull(problem["errors"]![field]);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Same_key_with_another_payout_request_is_refused_422_and_changes_nothing()
    {
        var payee = service.Payee("validation");
        var key = ChargeBodies.NewKey();
        using (var first = await PayoutFixture.PostPayoutAsync(payee, key, 100))
        {
            Assert.True(first.IsSuccessStatusCode);
        }

        var before = await CountsAsync();
        using var reused = await PayoutFixture.PostPayoutAsync(payee, key, 200);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("idempotency_key_reused", (string?)(await ServiceFixture.ReadObjectAsync(reused))["code"]);
        Assert.Equal(before, await CountsAsync());
        using var replay = await PayoutFixture.PostPayoutAsync(payee, key, 100);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
    }

    /// <summary>How often the plan's fault hit (the test's only fault), so a test cannot pass without it.</summary>
    private async Task<int> FaultsAppliedAsync()
    {
        var applied = await ServiceFixture.ReadObjectAsync(await service.Simulator.GetAsync("/_sim/faults/applied"));
        return applied.Sum(kv => (int)kv.Value!);
    }

    private async Task<(long Payouts, long Journals, long Events)> CountsAsync() => (
        await service.Database.ScalarAsync<long>("SELECT count(*) FROM payouts"),
        await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals"),
        await service.Database.ScalarAsync<long>("SELECT count(*) FROM outbox"));
}
