using System.Net;
using System.Text.Json.Nodes;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Outbox;

[Collection(OutboxTestGroup.Name)]
public sealed class WebhookEndpointsApiTests(OutboxFixture service) : IClassFixture<OutboxFixture>
{
    [Fact]
    public async Task Created_endpoint_shows_its_secret_once_and_a_replay_with_the_same_key_returns_the_same_endpoint_without_it()
    {
        var key = ChargeBodies.NewKey();
        var body = Json("https://merchant.example/hooks?x=1");

        using var created = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/webhook_endpoints", key, body);
        using var replay = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/webhook_endpoints", key, body);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var endpoint = await ServiceFixture.ReadObjectAsync(created);
        var id = (string)endpoint["id"]!;
        Assert.StartsWith("we_", id, StringComparison.Ordinal);
        Assert.Equal("webhook_endpoint", (string?)endpoint["object"]);
        Assert.Equal("enabled", (string?)endpoint["status"]);
        Assert.Matches("^whsec_[0-9a-f]{64}$", (string?)endpoint["secret"]);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        var replayed = await ServiceFixture.ReadObjectAsync(replay);
        Assert.Equal(id, (string?)replayed["id"]);
        Assert.Null(replayed["secret"]);

        using var get = await service.Merchant.GetAsync($"/v1/webhook_endpoints/{id}");
        var shown = await ServiceFixture.ReadObjectAsync(get);
        Assert.Equal("https://merchant.example/hooks?x=1", (string?)shown["url"]);
        Assert.Null(shown["secret"]);
        using var list = await service.Merchant.GetAsync("/v1/webhook_endpoints?limit=100");
        var listed = (await ServiceFixture.ReadObjectAsync(list))["data"]!.AsArray();
        Assert.Contains(listed, e => (string?)e!["id"] == id);
        Assert.All(listed, e => Assert.Null(e!["secret"]));
    }

    [Fact]
    public async Task Same_key_with_another_url_is_refused_and_changes_nothing()
    {
        var key = ChargeBodies.NewKey();
        using var first = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/webhook_endpoints", key, Json("https://a.example/hooks"));
        using var second = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/webhook_endpoints", key, Json("https://b.example/hooks"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        Assert.Equal("idempotency_key_reused", (string?)(await ServiceFixture.ReadObjectAsync(second))["code"]);
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM webhook_endpoints WHERE url = 'https://b.example/hooks'"));
    }

    [Theory]
    [InlineData("""{"url": "ftp://merchant.example/hooks"}""", "invalid_request")]
    [InlineData("""{"url": "/relative/hooks"}""", "invalid_request")]
    [InlineData("""{"url": "https://user:pass@merchant.example/hooks"}""", "invalid_request")]
    [InlineData("""{"url": 42}""", "invalid_request")]
    [InlineData("""{}""", "invalid_request")]
    [InlineData("""{"url": "https://merchant.example/hooks", "secret": "mine"}""", "invalid_request")]
    [InlineData("""{"url": "https://merchant.example/4242424242424242"}""", "pan_not_allowed")]
    [InlineData("""{"url": """, "malformed_json")]
    public async Task Bad_endpoint_body_is_refused_with_a_stable_code_and_nothing_is_recorded(string body, string code)
    {
        var before = await service.Database.ScalarAsync<long>("SELECT count(*) FROM webhook_endpoints");

        using var response = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/webhook_endpoints", ChargeBodies.NewKey(), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (string?)(await ServiceFixture.ReadObjectAsync(response))["code"]);
        Assert.Equal(before, await service.Database.ScalarAsync<long>("SELECT count(*) FROM webhook_endpoints"));
    }

    [Fact]
    public async Task Endpoint_post_without_idempotency_key_is_refused()
    {
        using var response = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/webhook_endpoints", null, Json("https://merchant.example/hooks"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("idempotency_key_missing", (string?)(await ServiceFixture.ReadObjectAsync(response))["code"]);
    }

    [Fact]
    public async Task Another_merchants_endpoint_is_not_found_and_a_deleted_one_is_gone()
    {
        using var created = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/webhook_endpoints", ChargeBodies.NewKey(), Json("https://merchant.example/a"));
        var id = (string)(await ServiceFixture.ReadObjectAsync(created))["id"]!;

        using var foreignGet = await service.OtherMerchant.GetAsync($"/v1/webhook_endpoints/{id}");
        using var foreignDelete = await service.OtherMerchant.DeleteAsync($"/v1/webhook_endpoints/{id}");
        using var delete = await service.Merchant.DeleteAsync($"/v1/webhook_endpoints/{id}");
        using var afterDelete = await service.Merchant.GetAsync($"/v1/webhook_endpoints/{id}");
        using var deleteAgain = await service.Merchant.DeleteAsync($"/v1/webhook_endpoints/{id}");

        Assert.Equal(HttpStatusCode.NotFound, foreignGet.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreignDelete.StatusCode);
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        var deleted = await ServiceFixture.ReadObjectAsync(delete);
        Assert.Equal(id, (string?)deleted["id"]);
        Assert.True((bool)deleted["deleted"]!);
        Assert.Equal(HttpStatusCode.NotFound, afterDelete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deleteAgain.StatusCode);
    }

    [Fact]
    public async Task Metrics_expose_replication_lag_and_delivery_backlog()
    {
        string metrics = "";
        await OutboxTruth.WaitUntilAsync(
            async () =>
            {
                metrics = await service.Merchant.GetStringAsync("/metrics");
                return metrics.Contains("\npayments_outbox_slot_active 1", StringComparison.Ordinal);
            },
            TimeSpan.FromSeconds(15), () => "the slot reported active at /metrics");

        Assert.Contains("\npayments_outbox_replication_lag_bytes ", metrics, StringComparison.Ordinal);
        Assert.Contains("\npayments_outbox_replication_lag_seconds ", metrics, StringComparison.Ordinal);
        Assert.Contains("\npayments_outbox_retained_wal_bytes ", metrics, StringComparison.Ordinal);
        Assert.Contains("\npayments_webhooks_deliveries_pending ", metrics, StringComparison.Ordinal);
        Assert.Contains("\npayments_webhooks_deliveries_failed ", metrics, StringComparison.Ordinal);
    }

    private static string Json(string url) => new JsonObject { ["url"] = url }.ToJsonString();
}
