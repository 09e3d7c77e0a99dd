using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Payments.Ingress.Tests.Outbox;
using Payments.Ingress.Tests.Support;
using Payments.Pipeline.Outbox;
using Payments.Pipeline.Secrets;

namespace Payments.Ingress.Tests.Security;

/// <summary>
/// The outbox service as an operator runs it: <c>Webhooks:AllowInsecureUrls</c> off (only
/// https to public addresses), a small cap on endpoints per merchant, and a DNS that answers
/// <c>*.rebinding.example</c> with 127.0.0.1 (what an attacker's name server does after the
/// registration) and knows no other name, so nothing here leaves the machine.
/// </summary>
public sealed class StrictWebhooksFixture : OutboxFixture
{
    public const int MaxEndpoints = 3;

    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>(base.ServiceSettings)
    {
        ["Webhooks:AllowInsecureUrls"] = "false",
        ["Webhooks:MaxEndpointsPerMerchant"] = MaxEndpoints.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<WebhookHostResolver, RebindingResolver>();

    private sealed class RebindingResolver : WebhookHostResolver
    {
        public override Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default) =>
            host.EndsWith(".rebinding.example", StringComparison.OrdinalIgnoreCase)
                ? Task.FromResult(new[] { IPAddress.Loopback })
                : Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
    }
}

[Collection(OutboxTestGroup.Name)]
public sealed class WebhookUrlPolicyTests(StrictWebhooksFixture service) : IClassFixture<StrictWebhooksFixture>
{
    [Theory]
    [InlineData("http://hooks.merchant.example/plain-http")]
    [InlineData("https://127.0.0.1/hooks")]
    [InlineData("https://127.0.0.1:8443/hooks")]
    [InlineData("https://127.1/hooks")]
    [InlineData("https://127.0.0.01/hooks")]
    [InlineData("https://2130706433/hooks")]
    [InlineData("https://0x7f.1/hooks")]
    [InlineData("https://0x7F000001/hooks")]
    [InlineData("https://0177.0.0.1/hooks")]
    [InlineData("https://017700000001/hooks")]
    [InlineData("https://127.0.0.1./hooks")]
    [InlineData("https://①②⑦.0.0.1/hooks")]
    [InlineData("https://127。0。0。1/hooks")]
    [InlineData("https://[::1]/hooks")]
    [InlineData("https://[0:0:0:0:0:0:0:1]/hooks")]
    [InlineData("https://[::ffff:127.0.0.1]/hooks")]
    [InlineData("https://[::ffff:7f00:1]/hooks")]
    [InlineData("https://[::127.0.0.1]/hooks")]
    [InlineData("https://[2002:7f00:1::1]/hooks")]
    [InlineData("https://[64:ff9b::a9fe:a9fe]/latest/meta-data/")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://[::ffff:169.254.169.254]/latest/meta-data/")]
    [InlineData("https://2852039166/latest/meta-data/")]
    [InlineData("https://10.0.0.1/hooks")]
    [InlineData("https://172.16.5.4/hooks")]
    [InlineData("https://172.31.255.255/hooks")]
    [InlineData("https://192.168.1.1/hooks")]
    [InlineData("https://100.64.0.1/hooks")]
    [InlineData("https://[fc00::1]/hooks")]
    [InlineData("https://[fd12:3456:789a::1]/hooks")]
    [InlineData("https://[fe80::1]/hooks")]
    [InlineData("https://[fe80::1%25eth0]/hooks")]
    [InlineData("https://224.0.0.1/hooks")]
    [InlineData("https://[ff02::1]/hooks")]
    [InlineData("https://0.0.0.0/hooks")]
    [InlineData("https://0/hooks")]
    [InlineData("https://[::]/hooks")]
    [InlineData("https://255.255.255.255/hooks")]
    [InlineData("https://localhost/hooks")]
    [InlineData("https://LOCALHOST./hooks")]
    [InlineData("https://api.localhost/hooks")]
    [InlineData("https://1.2.3.999/hooks")]
    public async Task Endpoint_url_to_a_non_public_address_in_any_notation_is_refused_and_nothing_is_recorded(string url)
    {
        var before = await service.Database.ScalarAsync<long>("SELECT count(*) FROM webhook_endpoints");

        using var response = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/webhook_endpoints", ChargeBodies.NewKey(), Json(url));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ServiceFixture.ReadObjectAsync(response);
        Assert.Equal("invalid_request", (string?)problem["code"]);
        Assert.NotNull(problem["errors"]?["url"]);
        Assert.Equal(before, await service.Database.ScalarAsync<long>("SELECT count(*) FROM webhook_endpoints"));
    }

    [Theory]
    [InlineData("https://hooks.merchant.example/payments")]
    [InlineData("https://8.8.8.8/hooks")]
    [InlineData("https://[2606:4700:4700::1111]/hooks")]
    public async Task Endpoint_url_to_a_public_name_or_address_is_accepted(string url)
    {
        using var response = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/webhook_endpoints", ChargeBodies.NewKey(), Json(url));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        // Deleted at once: no event of another test is ever sent off the machine.
        using var deleted = await service.Merchant.DeleteAsync($"/v1/webhook_endpoints/{(string)(await ServiceFixture.ReadObjectAsync(response))["id"]!}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
    }

    [Fact]
    public async Task Name_that_resolves_to_loopback_after_registration_is_never_connected_and_the_delivery_tells_nothing_about_it()
    {
        var port = new Uri(service.Receiver.UrlFor("rebind")).Port;
        using var created = await ServiceFixture.PostJsonAsync(
            service.Merchant, "/v1/webhook_endpoints", ChargeBodies.NewKey(), Json($"https://hooks.rebinding.example:{port}/hooks/rebind"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var endpointId = (string)(await ServiceFixture.ReadObjectAsync(created))["id"]!;

        await CreateChargeAsync();

        var delivery = await WaitForRefusedDeliveryAsync(endpointId);
        AssertTellsNothing(delivery, port);
        Assert.Empty(service.Receiver.Arrivals("rebind"));
        await DeleteAsync(endpointId);
    }

    [Fact]
    public async Task Loopback_url_already_in_the_database_is_never_connected_and_the_delivery_tells_nothing_about_it()
    {
        // As if written before the policy existed, or by someone with the database: the
        // registration check never saw it, the connection check still refuses it.
        var url = service.Receiver.UrlFor("planted");
        var endpointId = "we_planted_" + Guid.NewGuid().ToString("N");
        var sealedSecret = service.Services.GetRequiredService<SecretSealer>().Seal("whsec_" + new string('a', 64), WebhookEndpointStore.SealingContext(endpointId));
        await service.Database.ExecuteAsync("""
            INSERT INTO webhook_endpoints (id, merchant_id, url, secret_key_id, secret_sealed, idempotency_key, request_hash)
            VALUES ($1, $2, $3, $4, $5, $1, sha256(convert_to($1, 'UTF8')))
            """, endpointId, OutboxTruth.MerchantId, url, sealedSecret.KeyId, sealedSecret.Sealed);

        await CreateChargeAsync();

        var delivery = await WaitForRefusedDeliveryAsync(endpointId);
        AssertTellsNothing(delivery, new Uri(url).Port);
        Assert.Empty(service.Receiver.Arrivals("planted"));
        await DeleteAsync(endpointId);
    }

    [Fact]
    public async Task Endpoints_past_the_cap_are_refused_with_409_even_when_created_at_once_and_a_replay_still_answers()
    {
        var merchant = service.OtherMerchant;
        var keys = Enumerable.Range(0, 8).Select(_ => ChargeBodies.NewKey()).ToList();
        var body = Json("https://hooks.merchant.example/capped");

        var responses = await Task.WhenAll(keys.Select(key => ServiceFixture.PostJsonAsync(merchant, "/v1/webhook_endpoints", key, body)));

        var accepted = keys.Where((_, i) => responses[i].StatusCode == HttpStatusCode.Created).ToList();
        var refused = keys.Where((_, i) => responses[i].StatusCode != HttpStatusCode.Created).ToList();
        Assert.Equal(StrictWebhooksFixture.MaxEndpoints, accepted.Count);
        foreach (var response in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("endpoint_limit_reached", (string?)(await ServiceFixture.ReadObjectAsync(response))["code"]);
        }

        Assert.Equal((long)StrictWebhooksFixture.MaxEndpoints, await service.Database.ScalarAsync<long>(
            "SELECT count(*) FROM webhook_endpoints WHERE merchant_id = $1", OutboxTruth.OtherMerchantId));

        using (var replay = await ServiceFixture.PostJsonAsync(merchant, "/v1/webhook_endpoints", accepted[0], body))
        {
            Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
            Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        }

        // A refused request recorded nothing, its key included: after a deletion it goes through.
        var firstId = (string)(await ServiceFixture.ReadObjectAsync(responses[keys.IndexOf(accepted[0])]))["id"]!;
        using (var delete = await merchant.DeleteAsync($"/v1/webhook_endpoints/{firstId}"))
        {
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        }

        using (var retried = await ServiceFixture.PostJsonAsync(merchant, "/v1/webhook_endpoints", refused[0], body))
        {
            Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
            Assert.False(retried.Headers.Contains("Idempotent-Replayed"));
        }

        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    private async Task CreateChargeAsync()
    {
        using var charge = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(1200), respondAsync: true);
        Assert.Equal(HttpStatusCode.Accepted, charge.StatusCode);
    }

    /// <summary>The endpoint's first delivery once an attempt was refused, as the merchant's API shows it.</summary>
    private async Task<JsonObject> WaitForRefusedDeliveryAsync(string endpointId)
    {
        JsonObject? delivery = null;
        await OutboxTruth.WaitUntilAsync(
            async () =>
            {
                using var list = await service.Merchant.GetAsync($"/v1/webhook_endpoints/{endpointId}/deliveries?limit=1");
                delivery = (await ServiceFixture.ReadObjectAsync(list))["data"]!.AsArray().FirstOrDefault()?.AsObject();
                return delivery is not null && (int?)delivery["attempts"] >= 1 && delivery["last_error"] is not null;
            },
            TimeSpan.FromSeconds(30), () => $"a refused attempt to {endpointId}; last seen {delivery?.ToJsonString()}");
        return delivery!;
    }

    private static void AssertTellsNothing(JsonObject delivery, int port)
    {
        Assert.Equal("destination_not_allowed", (string?)delivery["last_error"]);
        Assert.Null(delivery["last_status_code"]);
        var text = delivery.ToJsonString();
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        Assert.DoesNotContain(":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
    }

    private async Task DeleteAsync(string endpointId)
    {
        using var response = await service.Merchant.DeleteAsync($"/v1/webhook_endpoints/{endpointId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static string Json(string url) => new JsonObject { ["url"] = url }.ToJsonString();
}
