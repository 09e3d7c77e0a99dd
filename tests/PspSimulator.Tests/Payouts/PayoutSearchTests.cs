using System.Diagnostics;
using System.Net;
using PspSimulator.Tests.Infrastructure;
using PspSimulator.Tests.PaymentIntents;

namespace PspSimulator.Tests.Payouts;

/// <summary><c>GET /v1/payouts/search</c>: by <c>metadata['payout_id']</c>, with the search lag of PaymentIntents.</summary>
public sealed class PayoutSearchTests(LaggedSearchFixture simulator) : IClassFixture<LaggedSearchFixture>
{
    private readonly SimulatorApi _api = simulator.Api;

    [Fact]
    public async Task Search_by_payout_id_sees_a_payout_only_after_the_indexing_lag()
    {
        var currency = PayoutHelpers.NewCurrency();
        await PayoutHelpers.FundAsync(_api, currency, 10_000);
        var payoutId = PayoutHelpers.NewPayoutId();
        var clock = Stopwatch.StartNew();
        var created = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 500, currency, payoutId: payoutId);
        var path = "/v1/payouts/search?query=" + Uri.EscapeDataString("metadata['payout_id']:'" + payoutId + "'");

        var early = await _api.GetAsync(path);
        var late = await Poll.UntilAsync(() => _api.GetAsync(path), a => a.Json["data"]!.AsArray().Count > 0, TimeSpan.FromSeconds(5), "the search to see the payout");
        var seenAfter = clock.Elapsed;

        Assert.Equal(HttpStatusCode.OK, early.Status);
        Assert.Equal("search_result", early.Json["object"]!.GetValue<string>());
        Assert.Empty(early.Json["data"]!.AsArray());
        Assert.False(early.Json["has_more"]!.GetValue<bool>());
        var found = Assert.Single(late.Json["data"]!.AsArray())!;
        Assert.Equal(created.Id, found["id"]!.GetValue<string>());
        Assert.Equal("payout", found["object"]!.GetValue<string>());
        Assert.True(seenAfter >= TimeSpan.FromMilliseconds(LaggedSearchFixture.LagMs - 50), "seen after " + seenAfter);
    }

    [Fact]
    public async Task Search_returns_every_payout_of_the_id_newest_first_in_its_current_state()
    {
        var currency = PayoutHelpers.NewCurrency();
        await PayoutHelpers.FundAsync(_api, currency, 10_000);
        var payoutId = PayoutHelpers.NewPayoutId();
        var first = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 100, currency, payoutId: payoutId);
        await PayoutHelpers.UntilStatusAsync(_api, first.Id, "paid");
        var second = await PayoutHelpers.CreateAsync(_api, SimulatorApi.NewKey(), 200, currency, payoutId: payoutId);
        var path = "/v1/payouts/search?query=" + Uri.EscapeDataString("metadata[\"payout_id\"]:\"" + payoutId + "\"");

        var result = await Poll.UntilAsync(() => _api.GetAsync(path), a => a.Json["data"]!.AsArray().Count == 2, TimeSpan.FromSeconds(5), "both payouts");

        var data = result.Json["data"]!.AsArray();
        Assert.Equal([second.Id, first.Id], data.Select(p => p!["id"]!.GetValue<string>()));
        Assert.Equal("paid", data[1]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Search_by_anything_but_payout_id_is_refused()
    {
        var byCharge = await _api.GetAsync("/v1/payouts/search?query=" + Uri.EscapeDataString("metadata['charge_id']:'ch_1'"));
        var missing = await _api.GetAsync("/v1/payouts/search");

        Assert.Equal(HttpStatusCode.BadRequest, byCharge.Status);
        Assert.Equal("parameter_invalid_string", byCharge.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal("parameter_missing", missing.ErrorCode);
    }
}
