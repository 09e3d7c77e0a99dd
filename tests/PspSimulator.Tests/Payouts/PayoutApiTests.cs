using System.Net;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Payouts;

/// <summary><c>POST /v1/payouts</c> and <c>GET /v1/payouts/{id}</c>: the contract's shape, validation and idempotency.</summary>
public sealed class PayoutApiTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Created_payout_has_the_contracts_shape_and_takes_its_amount_from_the_balance()
    {
        var currency = PayoutHelpers.NewCurrency();
        var funded = await PayoutHelpers.FundAsync(_api, currency, 10_000);
        var payoutId = PayoutHelpers.NewPayoutId();
        var key = SimulatorApi.NewKey();

        var created = await PayoutHelpers.CreateAsync(_api, key, 1200, currency, "ba_ok", payoutId);

        Assert.Equal(HttpStatusCode.OK, created.Status);
        var payout = created.Json;
        Assert.StartsWith("po_", created.Id, StringComparison.Ordinal);
        Assert.Equal(
            ["id", "object", "amount", "currency", "destination", "status", "failure_code", "arrival_date", "metadata", "created"],
            payout.AsObject().Select(p => p.Key));
        Assert.Equal("payout", payout["object"]!.GetValue<string>());
        Assert.Equal(1200, payout["amount"]!.GetValue<long>());
        Assert.Equal(currency, payout["currency"]!.GetValue<string>());
        Assert.Equal("ba_ok", payout["destination"]!.GetValue<string>());
        Assert.Equal("pending", payout["status"]!.GetValue<string>());
        Assert.Null(payout["failure_code"]);
        Assert.Equal(payoutId, payout["metadata"]!["payout_id"]!.GetValue<string>());
        Assert.Equal(payout["created"]!.GetValue<long>() + 2, payout["arrival_date"]!.GetValue<long>());

        var truth = await _api.TruthAsync();
        Assert.Equal(funded - 1200, PayoutHelpers.Balance(truth, currency));
        Assert.Equal([("payout", 1200L)], PayoutHelpers.Movements(truth, created.Id));
        Assert.Equal(1, PayoutHelpers.ForPayoutId(truth, payoutId, "payout"));
        Assert.Equal(1, GroundTruth.ForKey(truth, key, "payout"));
        var inTruth = Assert.Single(PayoutHelpers.Payouts(truth, payoutId));
        Assert.Equal(created.Id, inTruth["id"]!.GetValue<string>());
        Assert.Equal(1200, inTruth["amount"]!.GetValue<long>());
        Assert.Equal("ba_ok", inTruth["destination"]!.GetValue<string>());
        Assert.Equal(payout["arrival_date"]!.GetValue<long>(), inTruth["arrival_date"]!.GetValue<long>());
    }

    [Fact]
    public async Task Get_returns_the_payout_and_an_unknown_id_is_404_resource_missing()
    {
        var currency = PayoutHelpers.NewCurrency();
        await PayoutHelpers.FundAsync(_api, currency, 5_000);
        var created = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 700, currency);

        var retrieved = await _api.GetAsync("/v1/payouts/" + created.Id);
        var unknown = await _api.GetAsync("/v1/payouts/po_unknown");

        Assert.Equal(HttpStatusCode.OK, retrieved.Status);
        Assert.Equal(created.Id, retrieved.Id);
        Assert.Equal(700, retrieved.Json["amount"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal("resource_missing", unknown.ErrorCode);
    }

    [Theory]
    [InlineData(null, "usd", "ba_ok", "parameter_missing")]
    [InlineData("0", "usd", "ba_ok", "parameter_invalid_integer")]
    [InlineData("12.5", "usd", "ba_ok", "parameter_invalid_integer")]
    [InlineData("100", null, "ba_ok", "parameter_missing")]
    [InlineData("100", "USD", "ba_ok", "parameter_invalid_string")]
    [InlineData("100", "usd", null, "parameter_missing")]
    [InlineData("100", "usd", "acct_123", "resource_missing")]
    [InlineData("100", "usd", "ba_", "resource_missing")]
    public async Task Invalid_parameters_are_refused_before_executing_and_nothing_is_saved(string? amount, string? currency, string? destination, string code)
    {
        var payoutId = PayoutHelpers.NewPayoutId();
        var key = SimulatorApi.NewKey();
        var form = new List<(string, string)> { ("metadata[payout_id]", payoutId) };
        if (amount is not null)
        {
            form.Add(("amount", amount));
        }

        if (currency is not null)
        {
            form.Add(("currency", currency));
        }

        if (destination is not null)
        {
            form.Add(("destination", destination));
        }

        var refused = await _api.PostAsync("/v1/payouts", key, [.. form]);
        var validUnderSameKey = await PayoutHelpers.CreateAsync(_api, key, 1, PayoutHelpers.NewCurrency(), payoutId: payoutId);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_request_error", refused.ErrorType);
        Assert.Equal(code, refused.ErrorCode);
        Assert.False(validUnderSameKey.Replayed);
        Assert.Equal("balance_insufficient", validUnderSameKey.ErrorCode);
        var truth = await _api.TruthAsync();
        Assert.Empty(PayoutHelpers.Payouts(truth, payoutId));
        Assert.Equal(0, PayoutHelpers.ForPayoutId(truth, payoutId, "payout"));
    }

    [Fact]
    public async Task Unknown_parameter_is_refused_with_parameter_unknown_and_nothing_is_carried_out()
    {
        var currency = PayoutHelpers.NewCurrency();
        var funded = await PayoutHelpers.FundAsync(_api, currency, 5_000);
        var payoutId = PayoutHelpers.NewPayoutId();

        var refused = await _api.PostAsync(
            "/v1/payouts",
            SimulatorApi.NewKey(),
            ("amount", "100"),
            ("currency", currency),
            ("destination", "ba_ok"),
            ("method", "instant"),
            ("metadata[payout_id]", payoutId));

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("parameter_unknown", refused.ErrorCode);
        var truth = await _api.TruthAsync();
        Assert.Empty(PayoutHelpers.Payouts(truth, payoutId));
        Assert.Equal(funded, PayoutHelpers.Balance(truth, currency));
    }

    [Fact]
    public async Task Replay_with_same_key_returns_the_saved_payout_and_pays_out_once()
    {
        var currency = PayoutHelpers.NewCurrency();
        var funded = await PayoutHelpers.FundAsync(_api, currency, 10_000);
        var payoutId = PayoutHelpers.NewPayoutId();
        var key = SimulatorApi.NewKey();

        var first = await PayoutHelpers.CreateAsync(_api, key, 2000, currency, payoutId: payoutId);
        var replay = await PayoutHelpers.CreateAsync(_api, key, 2000, currency, payoutId: payoutId);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.False(first.Replayed);
        Assert.True(replay.Replayed);
        Assert.Equal(first.Body, replay.Body);
        var truth = await _api.TruthAsync();
        Assert.Equal(1, PayoutHelpers.ForPayoutId(truth, payoutId, "payout"));
        Assert.Equal(1, GroundTruth.ForKey(truth, key, "payout"));
        Assert.Single(PayoutHelpers.Payouts(truth, payoutId));
        Assert.Equal(funded - 2000, PayoutHelpers.Balance(truth, currency));
    }

    [Fact]
    public async Task Same_key_with_other_parameters_or_on_another_endpoint_is_an_idempotency_error()
    {
        var currency = PayoutHelpers.NewCurrency();
        await PayoutHelpers.FundAsync(_api, currency, 10_000);
        var payoutId = PayoutHelpers.NewPayoutId();
        var key = SimulatorApi.NewKey();
        await PayoutHelpers.CreateAsync(_api, key, 1000, currency, payoutId: payoutId);

        var otherAmount = await PayoutHelpers.CreateAsync(_api, key, 1001, currency, payoutId: payoutId);
        var otherEndpoint = await _api.CreateAsync(SimulatorApi.NewChargeId(), key);

        Assert.Equal(HttpStatusCode.BadRequest, otherAmount.Status);
        Assert.Equal("idempotency_error", otherAmount.ErrorType);
        Assert.Equal(HttpStatusCode.BadRequest, otherEndpoint.Status);
        Assert.Equal("idempotency_error", otherEndpoint.ErrorType);
        var truth = await _api.TruthAsync();
        Assert.Equal(1, PayoutHelpers.ForPayoutId(truth, payoutId, "payout"));
        Assert.Equal(0, GroundTruth.ForKey(truth, key, "authorize"));
    }
}
