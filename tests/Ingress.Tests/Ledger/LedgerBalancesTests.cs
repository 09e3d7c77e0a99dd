using System.Net;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Ledger;

/// <summary>The operator's ledger balances, and who may read them: only the operator key, and it nowhere else.</summary>
public sealed class LedgerBalancesTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Theory]
    [InlineData("operator", "/v1/ledger/balances", HttpStatusCode.OK)]
    [InlineData("merchant", "/v1/ledger/balances", HttpStatusCode.Forbidden)]
    [InlineData("none", "/v1/ledger/balances", HttpStatusCode.Unauthorized)]
    [InlineData("wrong", "/v1/ledger/balances", HttpStatusCode.Unauthorized)]
    [InlineData("operator", "/v1/charges", HttpStatusCode.Unauthorized)]
    [InlineData("merchant", "/v1/charges", HttpStatusCode.OK)]
    [InlineData("none", "/v1/charges", HttpStatusCode.Unauthorized)]
    public async Task Operator_routes_take_only_the_operator_key_and_merchant_routes_never_take_it(string key, string path, HttpStatusCode expected)
    {
        using var client = new HttpClient { BaseAddress = new Uri(service.ServiceUrl) };
        var bearer = key switch
        {
            "operator" => ServiceFixture.OperatorKey,
            "merchant" => ServiceFixture.MerchantKey,
            "wrong" => "sk_operator_not_the_key_0123456789",
            _ => null,
        };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
        }

        using var response = await client.GetAsync(path);

        Assert.Equal(expected, response.StatusCode);
        if (expected is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            Assert.Equal(expected == HttpStatusCode.Forbidden ? "forbidden" : "unauthenticated", (string?)(await ServiceFixture.ReadObjectAsync(response))["code"]);
        }
    }

    [Fact]
    public async Task Balances_list_every_account_and_sum_to_zero_per_currency()
    {
        using (var charge = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(4200)))
        {
            Assert.Equal(HttpStatusCode.Created, charge.StatusCode);
        }

        using var client = service.ClientFor(ServiceFixture.OperatorKey);
        var balances = (await ServiceFixture.ReadObjectAsync(await client.GetAsync("/v1/ledger/balances")))["data"]!.AsArray();

        Assert.Contains(balances, b => (string?)b!["account"] == "psp_receivable" && (string?)b["currency"] == "USD" && (long)b["balance"]! > 0);
        Assert.Contains(balances, b => ((string?)b!["account"])!.StartsWith("merchant_payable:", StringComparison.Ordinal));
        Assert.All(balances.GroupBy(b => (string?)b!["currency"]), currency => Assert.Equal(0L, currency.Sum(b => (long)b!["balance"]!)));
    }
}
