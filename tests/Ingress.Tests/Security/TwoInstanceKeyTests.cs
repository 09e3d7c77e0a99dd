using System.Net;
using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.Security;

/// <summary>
/// Two instances on one database configured with different keys, as in a rolling key change (the
/// old instance still runs with the old keys while a new one starts with new ones): the second
/// start must not cut off the first instance's callers, merchants' nor the operator's.
/// </summary>
public sealed class TwoInstanceKeyTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private const string NewDemoKey = "sk_test_rolling_change_demo_0123456789abcdef";
    private const string NewOtherKey = "sk_live_rolling_change_other_0123456789abcdef";
    private const string NewOperatorKey = "sk_operator_rolling_change_0123456789abcdef";

    [Fact]
    public async Task Second_instance_with_other_configured_keys_leaves_the_first_instances_keys_working_on_both()
    {
        await using var second = await KeyTestInstance.StartAsync(service, new Dictionary<string, string?>
        {
            ["DemoMerchant:ApiKey"] = NewDemoKey,
            ["Merchants:0:ApiKey"] = NewOtherKey,
            ["Operator:ApiKey"] = NewOperatorKey,
        });

        foreach (var url in new[] { service.ServiceUrl, second.Url })
        {
            foreach (var key in new[] { ServiceFixture.MerchantKey, NewDemoKey, ServiceFixture.OtherMerchantKey, NewOtherKey })
            {
                using var merchant = ClientFor(url, key);
                Assert.Equal(HttpStatusCode.OK, (await merchant.GetAsync("/v1/charges")).StatusCode);
            }
        }

        // The second instance reads the operator's keys now; the first within its 30 s cache.
        foreach (var key in new[] { ServiceFixture.OperatorKey, NewOperatorKey })
        {
            using var there = ClientFor(second.Url, key);
            Assert.Equal(HttpStatusCode.OK, (await there.GetAsync("/v1/ledger/balances")).StatusCode);
            using var here = ClientFor(service.ServiceUrl, key);
            await Poll.UntilAsync(
                async () => (await here.GetAsync("/v1/ledger/balances")).StatusCode == HttpStatusCode.OK,
                "the first instance to accept the operator key", TimeSpan.FromSeconds(40));
        }
    }

    private static HttpClient ClientFor(string url, string apiKey)
    {
        var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
        return client;
    }
}
