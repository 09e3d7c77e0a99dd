using System.Net;
using System.Net.Http.Headers;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.PaymentIntents;

public sealed class PaymentIntentTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Automatic_capture_succeeds_and_records_authorize_and_capture()
    {
        var chargeId = SimulatorApi.NewChargeId();

        var answer = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 4999);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var intent = answer.Json;
        Assert.StartsWith("pi_", intent["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("payment_intent", intent["object"]!.GetValue<string>());
        Assert.Equal("succeeded", intent["status"]!.GetValue<string>());
        Assert.Equal(4999, intent["amount_received"]!.GetValue<long>());
        Assert.Equal(0, intent["amount_capturable"]!.GetValue<long>());
        Assert.StartsWith("py_", intent["latest_charge"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(chargeId, intent["metadata"]!["charge_id"]!.GetValue<string>());
        Assert.Null(intent["last_payment_error"]);
        var truth = await _api.TruthAsync(chargeId);
        Assert.Equal(1, GroundTruth.ForCharge(truth, chargeId, "authorize"));
        Assert.Equal(1, GroundTruth.ForCharge(truth, chargeId, "capture"));
        Assert.Equal(4999, truth["totals"]!["usd"]!["captured"]!.GetValue<long>());
    }

    [Fact]
    public async Task Manual_capture_of_part_releases_the_rest()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var created = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 5000, captureMethod: "manual");
        Assert.Equal("requires_capture", created.Json["status"]!.GetValue<string>());
        Assert.Equal(5000, created.Json["amount_capturable"]!.GetValue<long>());

        var captured = await _api.PostAsync("/v1/payment_intents/" + created.Id + "/capture", SimulatorApi.NewKey(), ("amount_to_capture", "3000"));

        Assert.Equal(HttpStatusCode.OK, captured.Status);
        Assert.Equal("succeeded", captured.Json["status"]!.GetValue<string>());
        Assert.Equal(3000, captured.Json["amount_received"]!.GetValue<long>());
        Assert.Equal(0, captured.Json["amount_capturable"]!.GetValue<long>());
        var truth = await _api.TruthAsync(chargeId);
        var capture = Assert.Single(GroundTruth.Movements(truth), m => m!["kind"]!.GetValue<string>() == "capture");
        Assert.Equal(3000, capture!["amount"]!.GetValue<long>());

        var again = await _api.PostAsync("/v1/payment_intents/" + created.Id + "/capture", SimulatorApi.NewKey());
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Equal("payment_intent_unexpected_state", again.ErrorCode);
    }

    [Fact]
    public async Task Capture_above_amount_capturable_is_refused_and_captures_nothing()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var created = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), amount: 1000, captureMethod: "manual");

        var answer = await _api.PostAsync("/v1/payment_intents/" + created.Id + "/capture", SimulatorApi.NewKey(), ("amount_to_capture", "1001"));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(0, GroundTruth.ForCharge(await _api.TruthAsync(chargeId), chargeId, "capture"));
    }

    [Fact]
    public async Task Cancel_of_an_authorized_intent_releases_it_and_cancel_after_capture_is_refused()
    {
        var chargeId = SimulatorApi.NewChargeId();
        var manual = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), captureMethod: "manual");
        var automatic = await _api.CreateAsync(chargeId, SimulatorApi.NewKey());

        var canceled = await _api.PostAsync("/v1/payment_intents/" + manual.Id + "/cancel", SimulatorApi.NewKey());
        var refused = await _api.PostAsync("/v1/payment_intents/" + automatic.Id + "/cancel", SimulatorApi.NewKey());

        Assert.Equal(HttpStatusCode.OK, canceled.Status);
        Assert.Equal("canceled", canceled.Json["status"]!.GetValue<string>());
        Assert.Equal(0, canceled.Json["amount_capturable"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("payment_intent_unexpected_state", refused.ErrorCode);
        var retrieved = await _api.GetAsync("/v1/payment_intents/" + manual.Id);
        Assert.Equal("canceled", retrieved.Json["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("pm_card_chargeDeclined", "generic_decline")]
    [InlineData("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds")]
    public async Task Test_payment_method_declines_with_402_and_moves_no_money(string paymentMethod, string declineCode)
    {
        var chargeId = SimulatorApi.NewChargeId();

        var answer = await _api.CreateAsync(chargeId, SimulatorApi.NewKey(), paymentMethod: paymentMethod);

        Assert.Equal(HttpStatusCode.PaymentRequired, answer.Status);
        var error = answer.Json["error"]!;
        Assert.Equal("card_error", error["type"]!.GetValue<string>());
        Assert.Equal("card_declined", error["code"]!.GetValue<string>());
        Assert.Equal(declineCode, error["decline_code"]!.GetValue<string>());
        Assert.Equal("requires_payment_method", error["payment_intent"]!["status"]!.GetValue<string>());
        Assert.Equal(declineCode, error["payment_intent"]!["last_payment_error"]!["decline_code"]!.GetValue<string>());
        var truth = await _api.TruthAsync(chargeId);
        Assert.Empty(GroundTruth.Movements(truth));
        Assert.Single(GroundTruth.PaymentIntents(truth));
    }

    [Fact]
    public async Task Any_other_payment_method_succeeds()
    {
        var answer = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), paymentMethod: "pm_card_mastercard");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
    }

    [Fact]
    public async Task Retrieve_returns_current_state_and_404_for_unknown_id()
    {
        var created = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), captureMethod: "manual");
        await _api.PostAsync("/v1/payment_intents/" + created.Id + "/capture", SimulatorApi.NewKey());

        var found = await _api.GetAsync("/v1/payment_intents/" + created.Id);
        var missing = await _api.GetAsync("/v1/payment_intents/pi_nope");

        Assert.Equal("succeeded", found.Json["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("resource_missing", missing.ErrorCode);
    }

    [Fact]
    public async Task Missing_or_wrong_api_key_answers_401_and_charges_nothing()
    {
        var chargeId = SimulatorApi.NewChargeId();
        using var anonymous = new HttpClient { BaseAddress = simulator.BaseAddress };
        using var wrong = new HttpClient { BaseAddress = simulator.BaseAddress };
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk_test_wrong");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["amount"] = "100", ["currency"] = "usd", ["payment_method"] = "pm_card_visa", ["confirm"] = "true", ["metadata[charge_id]"] = chargeId,
        });

        using var none = await anonymous.PostAsync(new Uri("/v1/payment_intents", UriKind.Relative), form);
        using var bad = await wrong.PostAsync(new Uri("/v1/payment_intents", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Empty(GroundTruth.PaymentIntents(await _api.TruthAsync(chargeId)));
    }

    [Fact]
    public async Task Intent_without_charge_id_metadata_is_accepted_as_one_made_at_the_PSP()
    {
        var answer = await _api.PostAsync(
            "/v1/payment_intents",
            SimulatorApi.NewKey(),
            ("amount", "1500"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("confirm", "true"), ("description", "dashboard"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("succeeded", answer.Json["status"]!.GetValue<string>());
        Assert.Empty(answer.Json["metadata"]!.AsObject());
        var truth = await _api.TruthAsync();
        var inTruth = Assert.Single(GroundTruth.PaymentIntents(truth), p => p!["id"]!.GetValue<string>() == answer.Id)!;
        Assert.Empty(inTruth["metadata"]!.AsObject());
        var movements = GroundTruth.Movements(truth).Where(m => m!["payment_intent"]!.GetValue<string>() == answer.Id).ToList();
        Assert.Equal(["authorize", "capture"], movements.Select(m => m!["kind"]!.GetValue<string>()));
        Assert.All(movements, m => Assert.Null(m!["charge_id"]));
    }

    [Fact]
    public async Task Unknown_parameter_is_refused_as_Stripe_does()
    {
        var answer = await _api.PostAsync(
            "/v1/payment_intents",
            SimulatorApi.NewKey(),
            ("amount", "100"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("confirm", "true"), ("payment_method_types[]", "card"));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("parameter_unknown", answer.ErrorCode);
    }
}
