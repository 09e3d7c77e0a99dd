using System.Net;
using PspSimulator.Tests.Infrastructure;

namespace PspSimulator.Tests.Disputes;

/// <summary><c>GET /v1/disputes/{id}</c> and <c>GET /v1/disputes?payment_intent=…</c>.</summary>
public sealed class DisputesApiTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>, IAsyncLifetime
{
    private readonly SimulatorApi _api = simulator.Api;

    public Task InitializeAsync() => _api.ClearFaultsAsync();

    public Task DisposeAsync() => _api.ClearFaultsAsync();

    [Fact]
    public async Task Dispute_is_retrievable_by_id_and_listed_by_payment_intent_in_its_current_state()
    {
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey(), amount: 1200);
        var opened = await _api.OpenDisputeAsync(intent.Id, amount: 1000, reason: "duplicate");
        await _api.PostControlAsync("/_sim/disputes/" + opened.Id + "/under_review");

        var one = await _api.GetAsync("/v1/disputes/" + opened.Id);
        var list = await _api.GetAsync("/v1/disputes?payment_intent=" + intent.Id);

        Assert.Equal(HttpStatusCode.OK, one.Status);
        Assert.Equal(opened.Id, one.Id);
        Assert.Equal("dispute", one.Json["object"]!.GetValue<string>());
        Assert.Equal(intent.Id, one.Json["payment_intent"]!.GetValue<string>());
        Assert.Equal(1000, one.Json["amount"]!.GetValue<long>());
        Assert.Equal("duplicate", one.Json["reason"]!.GetValue<string>());
        Assert.Equal("under_review", one.Json["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal("list", list.Json["object"]!.GetValue<string>());
        Assert.False(list.Json["has_more"]!.GetValue<bool>());
        var listed = Assert.Single(list.Json["data"]!.AsArray())!;
        Assert.Equal(one.Body, listed.ToJsonString());
    }

    [Fact]
    public async Task Listing_a_payment_intent_without_a_dispute_gives_an_empty_list()
    {
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey());

        var list = await _api.GetAsync("/v1/disputes?payment_intent=" + intent.Id);
        var unknown = await _api.GetAsync("/v1/disputes?payment_intent=pi_nope");
        var withoutIntent = await _api.GetAsync("/v1/disputes");

        Assert.Empty(list.Json["data"]!.AsArray());
        Assert.Empty(unknown.Json["data"]!.AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, withoutIntent.Status);
        Assert.Equal("parameter_missing", withoutIntent.ErrorCode);
    }

    [Fact]
    public async Task Unknown_dispute_answers_404_resource_missing()
    {
        var missing = await _api.GetAsync("/v1/disputes/dp_nope");

        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("invalid_request_error", missing.ErrorType);
        Assert.Equal("resource_missing", missing.ErrorCode);
    }

    [Fact]
    public async Task Dispute_reads_need_the_api_key()
    {
        using var anonymous = new HttpClient { BaseAddress = simulator.BaseAddress };

        using var one = await anonymous.GetAsync(new Uri("/v1/disputes/dp_nope", UriKind.Relative));
        using var list = await anonymous.GetAsync(new Uri("/v1/disputes?payment_intent=pi_nope", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, one.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
    }

    [Fact]
    public async Task Dispute_reads_are_subject_to_the_fault_plan()
    {
        var intent = await _api.CreateAsync(SimulatorApi.NewChargeId(), SimulatorApi.NewKey());
        var opened = await _api.OpenDisputeAsync(intent.Id);
        await _api.SetFaultsAsync("""{ "error_500_before": { "rate": 1, "operations": ["retrieve", "list_disputes"] } }""");

        var one = await _api.GetAsync("/v1/disputes/" + opened.Id);
        var list = await _api.GetAsync("/v1/disputes?payment_intent=" + intent.Id);

        Assert.Equal(HttpStatusCode.InternalServerError, one.Status);
        Assert.Equal(HttpStatusCode.InternalServerError, list.Status);
        Assert.Equal("api_error", list.ErrorType);
    }
}
