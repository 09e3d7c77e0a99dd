using System.Net;
using System.Text.Json.Nodes;
using Payments.Ingress.Tests.Outbox;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Security;

/// <summary>
/// The outbox service as an operator runs it: <c>Webhooks:AllowInsecureUrls</c> off (only
/// https to public addresses) and a small cap on endpoints per merchant.
/// </summary>
public class StrictWebhooksFixture : OutboxFixture
{
    public const int MaxEndpoints = 3;

    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>(base.ServiceSettings)
    {
        ["Webhooks:AllowInsecureUrls"] = "false",
        ["Webhooks:MaxEndpointsPerMerchant"] = MaxEndpoints.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
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

    private static string Json(string url) => new JsonObject { ["url"] = url }.ToJsonString();
}
