using System.Net;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Payouts;

/// <summary>
/// Every request fault on the <c>payout</c> operation, which is one of the POSTs that move money (so a
/// fault without an <c>operations</c> list hits it), each checked against the ground truth.
/// </summary>
public sealed class PayoutFaultTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>, IAsyncLifetime
{
    private readonly SimulatorApi _api = simulator.Api;

    public Task InitializeAsync() => _api.ClearFaultsAsync();

    public Task DisposeAsync() => _api.ClearFaultsAsync();

    [Fact]
    public async Task Error_500_after_carries_the_payout_out_once_and_replays_the_saved_500()
    {
        var (currency, funded) = await FundedCurrencyAsync();
        var payoutId = PayoutHelpers.NewPayoutId();
        var key = SimulatorApi.NewKey();
        await _api.SetFaultsAsync("""{ "error_500_after": { "rate": 1 } }""");

        var first = await PayoutHelpers.CreateAsync(_api, key, 1000, currency, payoutId: payoutId);
        await _api.ClearFaultsAsync();
        var replay = await PayoutHelpers.CreateAsync(_api, key, 1000, currency, payoutId: payoutId);

        Assert.Equal(HttpStatusCode.InternalServerError, first.Status);
        Assert.Equal("api_error", first.ErrorType);
        Assert.Equal(HttpStatusCode.InternalServerError, replay.Status);
        Assert.True(replay.Replayed);
        var truth = await _api.TruthAsync();
        Assert.Equal(1, PayoutHelpers.ForPayoutId(truth, payoutId, "payout"));
        Assert.Equal(1, GroundTruth.ForKey(truth, key, "payout"));
        Assert.Equal(funded - 1000, PayoutHelpers.Balance(truth, currency));
    }

    [Fact]
    public async Task Error_500_before_carries_nothing_out_and_replays_the_saved_500()
    {
        var (currency, funded) = await FundedCurrencyAsync();
        var payoutId = PayoutHelpers.NewPayoutId();
        var key = SimulatorApi.NewKey();
        await _api.SetFaultsAsync("""{ "error_500_before": { "rate": 1, "operations": ["payout"] } }""");

        var first = await PayoutHelpers.CreateAsync(_api, key, 1000, currency, payoutId: payoutId);
        await _api.ClearFaultsAsync();
        var replay = await PayoutHelpers.CreateAsync(_api, key, 1000, currency, payoutId: payoutId);

        Assert.Equal(HttpStatusCode.InternalServerError, first.Status);
        Assert.True(replay.Replayed);
        Assert.Equal(first.Body, replay.Body);
        var truth = await _api.TruthAsync();
        Assert.Empty(PayoutHelpers.Payouts(truth, payoutId));
        Assert.Equal(0, PayoutHelpers.ForPayoutId(truth, payoutId, "payout"));
        Assert.Equal(funded, PayoutHelpers.Balance(truth, currency));
    }

    [Fact]
    public async Task Timeout_that_executes_holds_the_key_then_carries_out_once_and_a_retry_gets_the_saved_payout()
    {
        var (currency, _) = await FundedCurrencyAsync();
        var payoutId = PayoutHelpers.NewPayoutId();
        var key = SimulatorApi.NewKey();
        // The hold is far longer than the impatient caller's 200 ms so the second request lands inside it
        // even when the machine is busy (CI builds the next test project beside this one).
        await _api.SetFaultsAsync("""{ "timeout": { "rate": 1, "hold_ms": 4000, "execute": true, "operations": ["payout"], "max_count": 1 } }""");
        using var impatient = new SimulatorApi(simulator.BaseAddress, timeout: TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => PayoutHelpers.CreateAsync(impatient, key, 1000, currency, payoutId: payoutId));
        var whileHeld = await PayoutHelpers.CreateAsync(_api, key, 1000, currency, payoutId: payoutId);
        var truthWhileHeld = await _api.TruthAsync();
        await Poll.UntilAsync(() => _api.TruthAsync(), t => PayoutHelpers.ForPayoutId(t, payoutId, "payout") > 0, TimeSpan.FromSeconds(15), "the held payout to be carried out");
        var retry = await PayoutHelpers.CreateAsync(_api, key, 1000, currency, payoutId: payoutId);

        Assert.Equal(HttpStatusCode.Conflict, whileHeld.Status);
        Assert.Equal("idempotency_key_in_use", whileHeld.ErrorCode);
        Assert.Equal(0, PayoutHelpers.ForPayoutId(truthWhileHeld, payoutId, "payout"));
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.True(retry.Replayed);
        Assert.Equal("payout", retry.Json["object"]!.GetValue<string>());
        var truth = await _api.TruthAsync();
        Assert.Equal(1, PayoutHelpers.ForPayoutId(truth, payoutId, "payout"));
        Assert.Equal(retry.Id, Assert.Single(PayoutHelpers.Payouts(truth, payoutId))["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Timeout_that_never_executes_carries_nothing_out_and_leaves_the_key_free()
    {
        var (currency, _) = await FundedCurrencyAsync();
        var payoutId = PayoutHelpers.NewPayoutId();
        var key = SimulatorApi.NewKey();
        await _api.SetFaultsAsync("""{ "timeout": { "rate": 1, "hold_ms": 200, "execute": false, "max_count": 1 } }""");

        await Assert.ThrowsAsync<HttpRequestException>(() => PayoutHelpers.CreateAsync(_api, key, 1000, currency, payoutId: payoutId));
        var truthAfterHold = await _api.TruthAsync();
        var retry = await PayoutHelpers.CreateAsync(_api, key, 1000, currency, payoutId: payoutId);

        Assert.Empty(PayoutHelpers.Payouts(truthAfterHold, payoutId));
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.False(retry.Replayed);
        Assert.Equal(1, PayoutHelpers.ForPayoutId(await _api.TruthAsync(), payoutId, "payout"));
    }

    [Fact]
    public async Task Reset_after_carrying_out_breaks_the_connection_and_a_retry_gets_the_saved_payout()
    {
        var (currency, _) = await FundedCurrencyAsync();
        var payoutId = PayoutHelpers.NewPayoutId();
        var key = SimulatorApi.NewKey();
        await _api.SetFaultsAsync("""{ "reset_after": { "rate": 1, "max_count": 1 } }""");

        await Assert.ThrowsAsync<HttpRequestException>(() => PayoutHelpers.CreateAsync(_api, key, 1000, currency, payoutId: payoutId));
        var retry = await PayoutHelpers.CreateAsync(_api, key, 1000, currency, payoutId: payoutId);

        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.True(retry.Replayed);
        Assert.Equal(1, PayoutHelpers.ForPayoutId(await _api.TruthAsync(), payoutId, "payout"));
    }

    [Theory]
    [InlineData("""{ "rate_limit": { "rate": 1, "max_count": 1 } }""", HttpStatusCode.TooManyRequests)]
    [InlineData("""{ "gateway_error": { "rate": 1, "status": 502, "max_count": 1 } }""", HttpStatusCode.BadGateway)]
    public async Task Fault_in_front_of_the_api_carries_nothing_out_and_saves_nothing(string plan, HttpStatusCode status)
    {
        var (currency, funded) = await FundedCurrencyAsync();
        var payoutId = PayoutHelpers.NewPayoutId();
        var key = SimulatorApi.NewKey();
        await _api.SetFaultsAsync(plan);

        var refused = await PayoutHelpers.CreateAsync(_api, key, 1000, currency, payoutId: payoutId);
        var truthAfter = await _api.TruthAsync();
        var retry = await PayoutHelpers.CreateAsync(_api, key, 1000, currency, payoutId: payoutId);

        Assert.Equal(status, refused.Status);
        Assert.Empty(PayoutHelpers.Payouts(truthAfter, payoutId));
        Assert.Equal(funded, PayoutHelpers.Balance(truthAfter, currency));
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.False(retry.Replayed);
    }

    [Fact]
    public async Task Outage_refuses_payouts_with_503_and_carries_nothing_out()
    {
        var (currency, funded) = await FundedCurrencyAsync();
        var payoutId = PayoutHelpers.NewPayoutId();
        await _api.SetFaultsAsync("""{ "outage": { "duration_ms": 60000, "mode": "503" } }""");

        var during = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 1000, currency, payoutId: payoutId);
        await _api.ClearFaultsAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.Status);
        var truth = await _api.TruthAsync();
        Assert.Empty(PayoutHelpers.Payouts(truth, payoutId));
        Assert.Equal(funded, PayoutHelpers.Balance(truth, currency));
    }

    [Fact]
    public async Task Fault_aimed_at_other_operations_leaves_payouts_alone()
    {
        var (currency, _) = await FundedCurrencyAsync();
        await _api.SetFaultsAsync("""{ "error_500_before": { "rate": 1, "operations": ["create", "capture", "cancel", "refund"] } }""");

        var payout = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 1000, currency);

        Assert.Equal(HttpStatusCode.OK, payout.Status);
        Assert.Equal(0, (await _api.GetAsync("/_sim/faults/applied")).Json["error_500_before"]!.GetValue<int>());
    }

    [Fact]
    public async Task Retrieve_and_search_faults_apply_to_payout_reads()
    {
        var (currency, _) = await FundedCurrencyAsync();
        var payoutId = PayoutHelpers.NewPayoutId();
        var created = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 1000, currency, payoutId: payoutId);
        await _api.SetFaultsAsync("""{ "error_500_before": { "rate": 1, "operations": ["retrieve", "search"] } }""");

        var retrieved = await _api.GetAsync("/v1/payouts/" + created.Id);
        var searched = await _api.GetAsync("/v1/payouts/search?query=" + Uri.EscapeDataString("metadata['payout_id']:'" + payoutId + "'"));

        Assert.Equal(HttpStatusCode.InternalServerError, retrieved.Status);
        Assert.Equal(HttpStatusCode.InternalServerError, searched.Status);
    }

    [Fact]
    public async Task Tamper_rewrites_payment_intents_only_so_payout_answers_stay_true()
    {
        var (currency, _) = await FundedCurrencyAsync();
        var payoutId = PayoutHelpers.NewPayoutId();
        var created = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 1000, currency, payoutId: payoutId);
        await _api.SetFaultsAsync("""{ "tamper": { "rate": 1, "field": "amount" } }""");

        var retrieved = await _api.GetAsync("/v1/payouts/" + created.Id);
        var searched = await _api.GetAsync("/v1/payouts/search?query=" + Uri.EscapeDataString("metadata['payout_id']:'" + payoutId + "'"));

        Assert.Equal(1000, retrieved.Json["amount"]!.GetValue<long>());
        Assert.Equal(1000, Assert.Single(searched.Json["data"]!.AsArray())!["amount"]!.GetValue<long>());
    }

    [Fact]
    public async Task Latency_delays_a_payout_and_it_is_carried_out_once()
    {
        var (currency, _) = await FundedCurrencyAsync();
        var payoutId = PayoutHelpers.NewPayoutId();
        await _api.SetFaultsAsync("""{ "latency_ms": { "min": 300, "max": 300 } }""");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var payout = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 1000, currency, payoutId: payoutId);

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(280), "answered after " + clock.Elapsed);
        Assert.Equal(HttpStatusCode.OK, payout.Status);
        await _api.ClearFaultsAsync();
        Assert.Equal(1, PayoutHelpers.ForPayoutId(await _api.TruthAsync(), payoutId, "payout"));
    }

    private async Task<(string Currency, long Funded)> FundedCurrencyAsync()
    {
        var currency = PayoutHelpers.NewCurrency();
        return (currency, await PayoutHelpers.FundAsync(_api, currency, 50_000));
    }
}
