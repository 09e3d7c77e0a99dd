using System.Net;
using System.Text.Json.Nodes;
using Payments.Ingress.Tests.Support;
using Payments.Pipeline.Merchants;

namespace Payments.Ingress.Tests.Security;

/// <summary>
/// The operator rolls and revokes merchants' keys, and a revoked key stops at once, on every
/// instance: authentication reads the keys table on each request (it was cached for 30 s).
/// Each test rolls its own key for the second merchant first, so none depends on another's.
/// </summary>
public sealed class ApiKeyRevocationTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private static readonly string MerchantId = MerchantSeeder.IdFor("Other merchant");

    [Fact]
    public async Task Revoked_key_answers_401_on_the_very_next_request_on_every_instance()
    {
        var (keyId, secret) = await RollAsync(ChargeBodies.NewKey(), "{}");
        await using var second = await KeyTestInstance.StartAsync(service);
        using var here = service.ClientFor(secret);
        using var there = second.ClientFor(secret);

        // Both instances have just accepted the key (a cache would hold it now).
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/v1/charges")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await there.GetAsync("/v1/charges")).StatusCode);

        using var revoked = await OperatorPostAsync($"/v1/merchants/{MerchantId}/keys/{keyId}/revoke", ChargeBodies.NewKey(), "{}");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal("revoked", (string?)(await ServiceFixture.ReadObjectAsync(revoked))["status"]);

        await AssertUnauthenticatedAsync(here);
        await AssertUnauthenticatedAsync(there);
    }

    [Fact]
    public async Task Restart_does_not_bring_back_a_configured_key_that_a_roll_revoked()
    {
        var (_, secret) = await RollAsync(ChargeBodies.NewKey(), "{}");
        var keysBefore = await KeyRowsAsync();

        // The second instance seeds the same configuration, whose key the roll revoked.
        await using var second = await KeyTestInstance.StartAsync(service);
        using var configured = second.ClientFor(ServiceFixture.OtherMerchantKey);
        using var rolled = second.ClientFor(secret);

        await AssertUnauthenticatedAsync(configured);
        Assert.Equal(HttpStatusCode.OK, (await rolled.GetAsync("/v1/charges")).StatusCode);
        Assert.Equal(keysBefore, await KeyRowsAsync());
    }

    [Fact]
    public async Task Roll_ends_the_old_keys_at_once_or_after_the_grace_it_was_given()
    {
        var (_, first) = await RollAsync(ChargeBodies.NewKey(), "{}");
        var (_, second) = await RollAsync(ChargeBodies.NewKey(), """{"expire_old_in_seconds": 2}""");
        using var old = service.ClientFor(first);
        using var current = service.ClientFor(second);
        Assert.Equal(HttpStatusCode.OK, (await old.GetAsync("/v1/charges")).StatusCode);

        await Payments.Testing.Poll.UntilAsync(
            async () => (await old.GetAsync("/v1/charges")).StatusCode == HttpStatusCode.Unauthorized,
            "the old key still works after its grace period", TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.OK, (await current.GetAsync("/v1/charges")).StatusCode);

        var (_, third) = await RollAsync(ChargeBodies.NewKey(), "{}");
        await AssertUnauthenticatedAsync(current);
        using var newest = service.ClientFor(third);
        Assert.Equal(HttpStatusCode.OK, (await newest.GetAsync("/v1/charges")).StatusCode);
    }

    [Fact]
    public async Task Roll_replayed_answers_the_same_key_without_its_secret_and_a_different_body_is_refused()
    {
        var idempotencyKey = ChargeBodies.NewKey();
        var (keyId, secret) = await RollAsync(idempotencyKey, "{}");
        var rows = await KeyRowsAsync();

        using var replay = await OperatorPostAsync($"/v1/merchants/{MerchantId}/keys", idempotencyKey, "{}");
        var replayed = await ServiceFixture.ReadObjectAsync(replay);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(keyId, (string?)replayed["id"]);
        Assert.True(replayed.ContainsKey("secret"));
        Assert.Null(replayed["secret"]);
        Assert.DoesNotContain(secret, replayed.ToJsonString(), StringComparison.Ordinal);

        using var reused = await OperatorPostAsync($"/v1/merchants/{MerchantId}/keys", idempotencyKey, """{"expire_old_in_seconds": 60}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("idempotency_key_reused", (string?)(await ServiceFixture.ReadObjectAsync(reused))["code"]);
        Assert.Equal(rows, await KeyRowsAsync());

        using var client = service.ClientFor(secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/charges")).StatusCode);
    }

    [Fact]
    public async Task Key_list_shows_ids_prefixes_and_states_never_a_secret_or_its_hash()
    {
        var (keyId, secret) = await RollAsync(ChargeBodies.NewKey(), "{}");

        using var operatorClient = service.ClientFor(ServiceFixture.OperatorKey);
        using var response = await operatorClient.GetAsync($"/v1/merchants/{MerchantId}/keys");
        var text = await response.Content.ReadAsStringAsync();
        var keys = JsonNode.Parse(text)!["data"]!.AsArray();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var mine = keys.Single(k => (string?)k!["id"] == keyId)!;
        Assert.Equal(secret[..12], (string?)mine["prefix"]);
        Assert.Equal("active", (string?)mine["status"]);
        Assert.All(keys.Where(k => (string?)k!["id"] != keyId), k => Assert.Equal("revoked", (string?)k!["status"]));
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(ApiKeys.Hash(secret)), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("merchant_key", "GET", "/v1/merchants/{merchant}/keys", null, HttpStatusCode.Forbidden, "forbidden")]
    [InlineData("merchant_key", "POST", "/v1/merchants/{merchant}/keys", "{}", HttpStatusCode.Forbidden, "forbidden")]
    [InlineData("unknown_key", "POST", "/v1/merchants/{merchant}/keys", "{}", HttpStatusCode.Unauthorized, "unauthenticated")]
    [InlineData("operator", "GET", "/v1/merchants/mch_nobody/keys", null, HttpStatusCode.NotFound, "not_found")]
    [InlineData("operator", "POST", "/v1/merchants/mch_nobody/keys", "{}", HttpStatusCode.NotFound, "not_found")]
    [InlineData("operator", "POST", "/v1/merchants/{merchant}/keys/key_nothing/revoke", "{}", HttpStatusCode.NotFound, "not_found")]
    [InlineData("operator", "POST", "/v1/merchants/{merchant}/keys", """{"expire_old_in_seconds": -1}""", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("operator", "POST", "/v1/merchants/{merchant}/keys", """{"expire_old_in_seconds": "60"}""", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("operator", "POST", "/v1/merchants/{merchant}/keys", """{"expire_old_in_seconds": 1e12}""", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("operator", "POST", "/v1/merchants/{merchant}/keys", """{"secret": "sk_live_chosen_by_the_caller_0123456789"}""", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("operator", "POST", "/v1/merchants/{merchant}/keys", "[]", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("operator_without_idempotency_key", "POST", "/v1/merchants/{merchant}/keys", "{}", HttpStatusCode.BadRequest, "idempotency_key_missing")]
    public async Task Key_routes_refuse_and_record_nothing(string caller, string method, string path, string? body, HttpStatusCode status, string code)
    {
        var rows = await KeyRowsAsync();
        using var client = service.ClientFor(caller switch
        {
            "merchant_key" => ServiceFixture.MerchantKey,
            "unknown_key" => "sk_operator_guessed_0123456789abcdef0123",
            _ => ServiceFixture.OperatorKey,
        });
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{merchant}", MerchantId, StringComparison.Ordinal));
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        if (method == "POST" && caller != "operator_without_idempotency_key")
        {
            request.Headers.Add("Idempotency-Key", ChargeBodies.NewKey());
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, (string?)(await ServiceFixture.ReadObjectAsync(response))["code"]);
        Assert.Equal(rows, await KeyRowsAsync());
    }

    private async Task<(string Id, string Secret)> RollAsync(string idempotencyKey, string body)
    {
        using var response = await OperatorPostAsync($"/v1/merchants/{MerchantId}/keys", idempotencyKey, body);
        var key = await ServiceFixture.ReadObjectAsync(response);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var secret = (string)key["secret"]!;

        // 160 random bits after the prefix.
        Assert.Matches("^sk_live_[0-9a-f]{40}$", secret);
        Assert.Equal("api_key", (string?)key["object"]);
        Assert.Equal(MerchantId, (string?)key["merchant"]);
        return ((string)key["id"]!, secret);
    }

    private async Task<HttpResponseMessage> OperatorPostAsync(string path, string idempotencyKey, string body)
    {
        using var client = service.ClientFor(ServiceFixture.OperatorKey);
        return await ServiceFixture.PostJsonAsync(client, path, idempotencyKey, body);
    }

    private Task<long> KeyRowsAsync() =>
        service.Database.ScalarAsync<long>("SELECT count(*) FROM api_keys");

    private static async Task AssertUnauthenticatedAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/v1/charges");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthenticated", (string?)(await ServiceFixture.ReadObjectAsync(response))["code"]);
    }
}
