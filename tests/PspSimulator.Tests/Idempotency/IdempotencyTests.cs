using System.Net;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Idempotency;

public sealed class IdempotencyTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Replay_with_same_key_and_parameters_returns_saved_answer_and_charges_once()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var key = SimulatorApi.NewKey();

        var first = await _api.CreateAsync(chargeId, key);
        var second = await _api.CreateAsync(chargeId, key);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.False(first.Replayed);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.True(second.Replayed);
        Assert.Equal(first.Body, second.Body);
        var truth = await _api.TruthAsync(chargeId);
        Assert.Equal(1, GroundTruth.ForKey(truth, key, "authorize"));
        Assert.Equal(1, GroundTruth.ForKey(truth, key, "capture"));
        Assert.Single(GroundTruth.PaymentIntents(truth));
    }

    [Fact]
    public async Task Replay_matches_parameters_in_any_order()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var key = SimulatorApi.NewKey();
        var first = await _api.PostAsync("/v1/payment_intents", key, ("amount", "1200"), ("currency", "eur"), ("payment_method", "pm_card_visa"), ("confirm", "true"), ("metadata[charge_id]", chargeId));
        var second = await _api.PostAsync("/v1/payment_intents", key, ("metadata[charge_id]", chargeId), ("confirm", "true"), ("payment_method", "pm_card_visa"), ("currency", "eur"), ("amount", "1200"));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.True(second.Replayed);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(1, GroundTruth.ForCharge(await _api.TruthAsync(chargeId), chargeId, "capture"));
    }

    [Fact]
    public async Task Same_key_with_other_parameters_answers_400_idempotency_error_and_charges_nothing_more()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var key = SimulatorApi.NewKey();
        await _api.CreateAsync(chargeId, key, amount: 1000);

        var other = await _api.CreateAsync(chargeId, key, amount: 2000);

        Assert.Equal(HttpStatusCode.BadRequest, other.Status);
        Assert.Equal("idempotency_error", other.ErrorType);
        Assert.False(other.Replayed);
        var truth = await _api.TruthAsync(chargeId);
        Assert.Equal(1, GroundTruth.ForKey(truth, key, "authorize"));
        Assert.Single(GroundTruth.PaymentIntents(truth));
    }

    [Fact]
    public async Task Same_key_on_another_endpoint_counts_as_other_parameters()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var key = SimulatorApi.NewKey();
        var created = await _api.CreateAsync(chargeId, key, captureMethod: "manual");

        var capture = await _api.PostAsync("/v1/payment_intents/" + created.Id + "/capture", key);
        var cancel = await _api.PostAsync("/v1/payment_intents/" + created.Id + "/cancel", key);

        Assert.Equal(HttpStatusCode.BadRequest, capture.Status);
        Assert.Equal("idempotency_error", capture.ErrorType);
        Assert.Equal(HttpStatusCode.BadRequest, cancel.Status);
        Assert.Equal("idempotency_error", cancel.ErrorType);
        var truth = await _api.TruthAsync(chargeId);
        Assert.Equal(0, GroundTruth.ForCharge(truth, chargeId, "capture"));
        Assert.Equal("requires_capture", GroundTruth.PaymentIntents(truth)[0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Same_key_while_first_is_executing_answers_409_and_saves_nothing()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var key = SimulatorApi.NewKey();
        await _api.SetFaultsAsync("""{ "latency_ms": { "min": 600, "max": 600 } }""");
        try
        {
            var first = _api.CreateAsync(chargeId, key);
            var second = _api.CreateAsync(chargeId, key);
            var answers = await Task.WhenAll(first, second);

            Assert.Single(answers, a => a.Status == HttpStatusCode.OK && !a.Replayed);
            var conflict = Assert.Single(answers, a => a.Status == HttpStatusCode.Conflict);
            Assert.Equal("idempotency_error", conflict.ErrorType);
            Assert.Equal("idempotency_key_in_use", conflict.ErrorCode);
        }
        finally
        {
            await _api.ClearFaultsAsync();
        }

        // Nothing was saved for the 409: a retry gets the first request's answer.
        var retry = await _api.CreateAsync(chargeId, key);
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.True(retry.Replayed);
        Assert.Equal(1, GroundTruth.ForKey(await _api.TruthAsync(chargeId), key, "authorize"));
    }

    [Fact]
    public async Task Validation_failure_saves_nothing_so_the_key_still_works()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var key = SimulatorApi.NewKey();

        var missing = await _api.PostAsync("/v1/payment_intents", key, ("amount", "100"), ("currency", "usd"), ("confirm", "true"), ("metadata[charge_id]", chargeId));
        var malformed = await _api.CreateAsync(chargeId, key, currency: "USD");
        var valid = await _api.CreateAsync(chargeId, key);

        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal("invalid_request_error", missing.ErrorType);
        Assert.Equal("parameter_missing", missing.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.Equal("invalid_request_error", malformed.ErrorType);
        Assert.Equal(HttpStatusCode.OK, valid.Status);
        Assert.False(valid.Replayed);
        Assert.Equal(1, GroundTruth.ForKey(await _api.TruthAsync(chargeId), key, "authorize"));
    }

    [Fact]
    public async Task Refusal_for_the_objects_state_is_saved_and_replayed()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var created = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), captureMethod: "manual");
        await _api.PostAsync("/v1/payment_intents/" + created.Id + "/cancel", SimulatorApi.NewKey());
        var key = SimulatorApi.NewKey();

        var refused = await _api.PostAsync("/v1/payment_intents/" + created.Id + "/capture", key);
        var replay = await _api.PostAsync("/v1/payment_intents/" + created.Id + "/capture", key);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("payment_intent_unexpected_state", refused.ErrorCode);
        Assert.False(refused.Replayed);
        Assert.Equal(HttpStatusCode.BadRequest, replay.Status);
        Assert.True(replay.Replayed);
        Assert.Equal(refused.Body, replay.Body);
        Assert.Equal(0, GroundTruth.ForCharge(await _api.TruthAsync(chargeId), chargeId, "capture"));
    }

    [Fact]
    public async Task Declined_card_answer_is_saved_and_replayed()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var key = SimulatorApi.NewKey();

        var declined = await _api.CreateAsync(chargeId, key, paymentMethod: "pm_card_chargeDeclined");
        var replay = await _api.CreateAsync(chargeId, key, paymentMethod: "pm_card_chargeDeclined");

        Assert.Equal(HttpStatusCode.PaymentRequired, declined.Status);
        Assert.True(replay.Replayed);
        Assert.Equal(declined.Body, replay.Body);
        Assert.Single(GroundTruth.PaymentIntents(await _api.TruthAsync(chargeId)));
    }

    [Fact]
    public async Task Key_longer_than_255_characters_is_refused_and_nothing_is_carried_out()
    {
        var chargeId = SimulatorApi.NewChargeId();

        var answer = await _api.CreateAsync(chargeId, new string('k', 256));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("invalid_request_error", answer.ErrorType);
        Assert.Empty(GroundTruth.PaymentIntents(await _api.TruthAsync(chargeId)));
    }
}
