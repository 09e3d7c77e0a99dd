using System.Diagnostics;
using System.Net;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Faults;

/// <summary>Every request fault of the plan, each checked against the ground truth.</summary>
public sealed class FaultTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>, IAsyncLifetime
{
    private readonly SimulatorApi _api = simulator.Api;

    public Task InitializeAsync() => _api.ClearFaultsAsync();

    public Task DisposeAsync() => _api.ClearFaultsAsync();

    [Fact]
    public async Task Error_500_before_carrying_out_is_saved_and_replayed_without_any_charge()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var key = SimulatorApi.NewKey();
        await _api.SetFaultsAsync("""{ "error_500_before": { "rate": 1 } }""");

        var first = await _api.CreateAsync(chargeId, key);
        await _api.ClearFaultsAsync();
        var replay = await _api.CreateAsync(chargeId, key);

        Assert.Equal(HttpStatusCode.InternalServerError, first.Status);
        Assert.Equal("api_error", first.ErrorType);
        Assert.Equal(HttpStatusCode.InternalServerError, replay.Status);
        Assert.True(replay.Replayed);
        Assert.Equal(first.Body, replay.Body);
        var truth = await _api.TruthAsync(chargeId);
        Assert.Empty(GroundTruth.PaymentIntents(truth));
        Assert.Equal(0, GroundTruth.ForKey(truth, key, "authorize"));
    }

    [Fact]
    public async Task Replay_after_saved_500_returns_same_500_without_second_capture()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var key = SimulatorApi.NewKey();
        await _api.SetFaultsAsync("""{ "error_500_after": { "rate": 1 } }""");

        var first = await _api.CreateAsync(chargeId, key);
        await _api.ClearFaultsAsync();
        var replay = await _api.CreateAsync(chargeId, key);

        Assert.Equal(HttpStatusCode.InternalServerError, first.Status);
        Assert.Equal(HttpStatusCode.InternalServerError, replay.Status);
        Assert.True(replay.Replayed);
        var truth = await _api.TruthAsync(chargeId);
        Assert.Equal(1, GroundTruth.ForKey(truth, key, "authorize"));
        Assert.Equal(1, GroundTruth.ForKey(truth, key, "capture"));
        Assert.Equal("succeeded", GroundTruth.PaymentIntents(truth)[0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reset_after_carrying_out_breaks_the_connection_and_a_retry_gets_the_saved_answer()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var key = SimulatorApi.NewKey();
        await _api.SetFaultsAsync("""{ "reset_after": { "rate": 1, "max_count": 1 } }""");

        await Assert.ThrowsAsync<HttpRequestException>(() => _api.CreateAsync(chargeId, key));
        var retry = await _api.CreateAsync(chargeId, key);

        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.True(retry.Replayed);
        var truth = await _api.TruthAsync(chargeId);
        Assert.Equal(1, GroundTruth.ForKey(truth, key, "authorize"));
        Assert.Equal(1, GroundTruth.ForKey(truth, key, "capture"));
        Assert.Equal(1, (await _api.GetAsync("/_sim/faults/applied")).Json["reset_after"]!.GetValue<int>());
    }

    [Fact]
    public async Task Timeout_that_executes_carries_out_after_the_hold_and_saves_the_real_answer()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var key = SimulatorApi.NewKey();
        // The hold is far longer than the impatient caller's 200 ms so the second request lands inside it
        // even when the machine is busy (CI builds the next test project beside this one).
        await _api.SetFaultsAsync("""{ "timeout": { "rate": 1, "hold_ms": 4000, "execute": true, "max_count": 1 } }""");
        using var impatient = new SimulatorApi(simulator.BaseAddress, timeout: TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => impatient.CreateAsync(chargeId, key));
        var whileHeld = await _api.CreateAsync(chargeId, key);
        Assert.Empty(GroundTruth.PaymentIntents(await _api.TruthAsync(chargeId)));
        var truth = await Poll.UntilAsync(() => _api.TruthAsync(chargeId), t => GroundTruth.ForKey(t, key, "capture") > 0, TimeSpan.FromSeconds(15), "the held request to be carried out");
        var retry = await _api.CreateAsync(chargeId, key);

        Assert.Equal(HttpStatusCode.Conflict, whileHeld.Status);
        Assert.Equal("idempotency_key_in_use", whileHeld.ErrorCode);
        Assert.Equal(1, GroundTruth.ForKey(truth, key, "authorize"));
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.True(retry.Replayed);
        Assert.Equal(1, GroundTruth.ForKey(await _api.TruthAsync(chargeId), key, "capture"));
    }

    [Fact]
    public async Task Timeout_answering_500_saves_that_500_for_the_key()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var key = SimulatorApi.NewKey();
        await _api.SetFaultsAsync("""{ "timeout": { "rate": 1, "hold_ms": 150, "answer": "500", "max_count": 1 } }""");

        var first = await _api.CreateAsync(chargeId, key);
        var replay = await _api.CreateAsync(chargeId, key);

        Assert.Equal(HttpStatusCode.InternalServerError, first.Status);
        Assert.True(replay.Replayed);
        Assert.Equal(HttpStatusCode.InternalServerError, replay.Status);
        Assert.Equal(1, GroundTruth.ForKey(await _api.TruthAsync(chargeId), key, "capture"));
    }

    [Fact]
    public async Task Timeout_that_never_executes_carries_out_nothing_and_leaves_the_key_free()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var key = SimulatorApi.NewKey();
        await _api.SetFaultsAsync("""{ "timeout": { "rate": 1, "hold_ms": 300, "execute": false, "max_count": 1 } }""");
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAsync<HttpRequestException>(() => _api.CreateAsync(chargeId, key));
        var heldFor = clock.Elapsed;
        var truthAfterHold = await _api.TruthAsync(chargeId);
        var retry = await _api.CreateAsync(chargeId, key);

        Assert.True(heldFor >= TimeSpan.FromMilliseconds(280), "held for " + heldFor);
        Assert.Empty(GroundTruth.PaymentIntents(truthAfterHold));
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.False(retry.Replayed);
        Assert.Equal(1, GroundTruth.ForKey(await _api.TruthAsync(chargeId), key, "capture"));
    }

    [Fact]
    public async Task Rate_limit_answers_429_and_saves_nothing()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var key = SimulatorApi.NewKey();
        await _api.SetFaultsAsync("""{ "rate_limit": { "rate": 1, "max_count": 1 } }""");

        var limited = await _api.CreateAsync(chargeId, key);
        var retry = await _api.CreateAsync(chargeId, key);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal("rate_limit_error", limited.ErrorType);
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.False(retry.Replayed);
        Assert.Equal(1, GroundTruth.ForKey(await _api.TruthAsync(chargeId), key, "authorize"));
    }

    [Fact]
    public async Task Decline_fault_declines_every_payment_method_with_insufficient_funds_when_share_is_one()
    {
        var chargeId = SimulatorApi.NewChargeId();
        await _api.SetFaultsAsync("""{ "decline": { "rate": 1, "insufficient_funds_share": 1 } }""");

        var answer = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), paymentMethod: "pm_card_visa");

        Assert.Equal(HttpStatusCode.PaymentRequired, answer.Status);
        Assert.Equal("insufficient_funds", answer.Json["error"]!["decline_code"]!.GetValue<string>());
        var truth = await _api.TruthAsync(chargeId);
        Assert.Empty(GroundTruth.Movements(truth));
        Assert.Equal("requires_payment_method", GroundTruth.PaymentIntents(truth)[0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Decline_fault_declines_at_its_rate_and_splits_by_share()
    {
        const int Attempts = 200;
        var chargeId = SimulatorApi.NewChargeId();
        await _api.SetFaultsAsync("""{ "seed": 3, "decline": { "rate": 0.4, "insufficient_funds_share": 0.5 } }""");

        var answers = new List<ApiAnswer>();
        for (var i = 0; i < Attempts; i++)
        {
            answers.Add(await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 100));
        }

        var declined = answers.Where(a => a.Status == HttpStatusCode.PaymentRequired).ToList();
        var insufficient = declined.Count(a => a.Json["error"]!["decline_code"]!.GetValue<string>() == "insufficient_funds");
        Assert.InRange(declined.Count, Attempts * 0.4 - 25, Attempts * 0.4 + 25);
        Assert.InRange(insufficient, declined.Count * 0.5 - 15, declined.Count * 0.5 + 15);
        var truth = await _api.TruthAsync(chargeId);
        Assert.Equal(Attempts - declined.Count, GroundTruth.ForCharge(truth, chargeId, "capture"));
    }

    [Fact]
    public async Task Outage_503_refuses_every_api_request_for_its_duration_then_ends()
    {
        var chargeId = SimulatorApi.NewChargeId();
        await _api.SetFaultsAsync("""{ "outage": { "duration_ms": 500, "mode": "503" } }""");

        var during = await _api.CreateAsync(chargeId, SimulatorApi.NewKey());
        var truthDuring = await _api.TruthAsync(chargeId);
        var after = await Poll.UntilAsync(
            () => _api.CreateAsync(chargeId, SimulatorApi.NewKey()),
            a => a.Status != HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(5),
            "the outage to end");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.Status);
        Assert.Empty(GroundTruth.PaymentIntents(truthDuring));
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Equal(1, GroundTruth.ForCharge(await _api.TruthAsync(chargeId), chargeId, "capture"));
    }

    [Fact]
    public async Task Outage_refuse_closes_connections_without_an_answer_while_control_stays_reachable()
    {
        var chargeId = SimulatorApi.NewChargeId();
        await _api.SetFaultsAsync("""{ "outage": { "duration_ms": 500, "mode": "refuse" } }""");

        await Assert.ThrowsAsync<HttpRequestException>(() => _api.CreateAsync(chargeId, SimulatorApi.NewKey()));
        var truthDuring = await _api.TruthAsync(chargeId);
        await Poll.UntilAsync(
            async () =>
            {
                try
                {
                    return await _api.CreateAsync(chargeId, SimulatorApi.NewKey());
                }
                catch (HttpRequestException)
                {
                    return null;
                }
            },
            a => a?.Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(5),
            "the outage to end");

        Assert.Empty(GroundTruth.PaymentIntents(truthDuring));
        Assert.Equal(1, GroundTruth.ForCharge(await _api.TruthAsync(chargeId), chargeId, "capture"));
    }

    [Fact]
    public async Task Latency_delays_every_answer_within_the_range_and_carries_each_request_out_once()
    {
        var chargeId = SimulatorApi.NewChargeId();
        await _api.SetFaultsAsync("""{ "latency_ms": { "min": 120, "max": 180 } }""");

        var elapsed = new List<TimeSpan>();
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var clock = Stopwatch.StartNew();
            ids.Add((await _api.CreateAsync(chargeId, SimulatorApi.NewKey())).Id);
            elapsed.Add(clock.Elapsed);
        }

        var retrieveClock = Stopwatch.StartNew();
        await _api.GetAsync("/v1/payment_intents/" + ids[0]);
        elapsed.Add(retrieveClock.Elapsed);

        Assert.All(elapsed, e => Assert.InRange(e, TimeSpan.FromMilliseconds(115), TimeSpan.FromMilliseconds(2000)));
        var truth = await _api.TruthAsync(chargeId);
        Assert.Equal(4, GroundTruth.ForCharge(truth, chargeId, "capture"));
        Assert.Equal(ids.Order(StringComparer.Ordinal), GroundTruth.PaymentIntents(truth).Select(p => p!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Max_count_stops_a_fault_after_that_many_hits()
    {
        var chargeId = SimulatorApi.NewChargeId();
        await _api.SetFaultsAsync("""{ "error_500_before": { "rate": 1, "max_count": 2 } }""");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await _api.CreateAsync(chargeId, SimulatorApi.NewKey())).Status);
        }

        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError, HttpStatusCode.OK, HttpStatusCode.OK], statuses);
        Assert.Equal(2, GroundTruth.ForCharge(await _api.TruthAsync(chargeId), chargeId, "capture"));
        Assert.Equal(2, (await _api.GetAsync("/_sim/faults/applied")).Json["error_500_before"]!.GetValue<int>());
    }

    [Fact]
    public async Task Operations_filter_aims_a_fault_at_the_named_operations_only()
    {
        var chargeId = SimulatorApi.NewChargeId();
        await _api.SetFaultsAsync("""{ "error_500_after": { "rate": 1, "operations": ["capture", "retrieve"] } }""");

        var created = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), captureMethod: "manual");
        var captureKey = SimulatorApi.NewKey();
        var capture = await _api.PostAsync("/v1/payment_intents/" + created.Id + "/capture", captureKey);
        var retrieve = await _api.GetAsync("/v1/payment_intents/" + created.Id);
        var replay = await _api.PostAsync("/v1/payment_intents/" + created.Id + "/capture", captureKey);

        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal(HttpStatusCode.InternalServerError, capture.Status);
        Assert.Equal(HttpStatusCode.InternalServerError, retrieve.Status);
        Assert.True(replay.Replayed);
        Assert.Equal(HttpStatusCode.InternalServerError, replay.Status);
        var truth = await _api.TruthAsync(chargeId);
        Assert.Equal(1, GroundTruth.ForKey(truth, captureKey, "capture"));
        Assert.Equal("succeeded", GroundTruth.PaymentIntents(truth)[0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Same_seed_gives_the_same_fault_decisions()
    {
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey());
        const string Plan = """{ "seed": 7, "error_500_before": { "rate": 0.5, "operations": ["retrieve"] } }""";

        async Task<string> PatternAsync()
        {
            await _api.SetFaultsAsync(Plan);
            var pattern = new char[30];
            for (var i = 0; i < pattern.Length; i++)
            {
                pattern[i] = (await _api.GetAsync("/v1/payment_intents/" + intent.Id)).Status == HttpStatusCode.OK ? '.' : 'X';
            }

            return new string(pattern);
        }

        var first = await PatternAsync();
        var second = await PatternAsync();

        Assert.Equal(first, second);
        Assert.Contains("X", first, StringComparison.Ordinal);
        Assert.Contains(".", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fault_plan_round_trips_and_a_misspelt_or_invalid_plan_is_refused()
    {
        const string Plan = """{"seed":5,"latency_ms":{"min":0,"max":10},"timeout":{"rate":0.1,"hold_ms":5000,"execute":false,"operations":["create"],"max_count":3},"webhooks":{"duplicate_rate":0.5,"duplicate_copies":3}}""";

        await _api.SetFaultsAsync(Plan);
        var read = await _api.GetAsync("/_sim/faults");
        using var misspelt = new StringContent("""{ "error_500": { "rate": 1 } }""", System.Text.Encoding.UTF8, "application/json");
        using var http = new HttpClient { BaseAddress = simulator.BaseAddress };
        using var misspeltAnswer = await http.PutAsync(new Uri("/_sim/faults", UriKind.Relative), misspelt);
        using var invalid = new StringContent("""{ "decline": { "rate": 2 } }""", System.Text.Encoding.UTF8, "application/json");
        using var invalidAnswer = await http.PutAsync(new Uri("/_sim/faults", UriKind.Relative), invalid);

        Assert.Equal(5, read.Json["seed"]!.GetValue<int>());
        Assert.Equal(5000, read.Json["timeout"]!["hold_ms"]!.GetValue<int>());
        Assert.False(read.Json["timeout"]!["execute"]!.GetValue<bool>());
        Assert.Equal(3, read.Json["webhooks"]!["duplicate_copies"]!.GetValue<int>());
        Assert.Null(read.Json["error_500_before"]);
        Assert.Equal(HttpStatusCode.BadRequest, misspeltAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalidAnswer.StatusCode);
        Assert.Equal(5, (await _api.GetAsync("/_sim/faults")).Json["seed"]!.GetValue<int>());
    }
}
