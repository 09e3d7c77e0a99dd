using System.Net;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Security;

/// <summary>A service whose merchants may each send five requests at once, then one a second.</summary>
public sealed class MerchantRateLimitFixture : ServiceFixture
{
    public const int Burst = 5;

    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["RateLimits:Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimits:RequestsPerSecond"] = "1",
    };
}

/// <summary>Each merchant has its own request budget: over it, 429 with Retry-After, nothing recorded, and other merchants unaffected.</summary>
public sealed class MerchantRateLimitTests(MerchantRateLimitFixture service) : IClassFixture<MerchantRateLimitFixture>
{
    [Fact]
    public async Task Merchant_over_its_budget_gets_429_with_retry_after_while_another_merchant_is_served()
    {
        const int Attempts = 30;
        var keys = Enumerable.Range(0, Attempts).Select(_ => ChargeBodies.NewKey()).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var answers = new List<(string Key, HttpStatusCode Status, string? Code, TimeSpan? RetryAfter)>();
        foreach (var key in keys)
        {
            using var response = await ServiceFixture.PostChargeAsync(service.Merchant, key, ChargeBodies.Visa(100), respondAsync: true);
            answers.Add((key, response.StatusCode, (string?)(await ServiceFixture.ReadObjectAsync(response))["code"], response.Headers.RetryAfter?.Delta));
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        var accepted = answers.Where(a => a.Status == HttpStatusCode.Accepted).Select(a => a.Key).ToList();
        var limited = answers.Where(a => a.Status == HttpStatusCode.TooManyRequests).ToList();

        Assert.Equal(Attempts, accepted.Count + limited.Count);
        Assert.InRange(accepted.Count, MerchantRateLimitFixture.Burst, MerchantRateLimitFixture.Burst + (int)Math.Ceiling(elapsed));
        Assert.All(limited, a =>
        {
            Assert.Equal("rate_limited", a.Code);
            Assert.NotNull(a.RetryAfter);
            Assert.True(a.RetryAfter >= TimeSpan.FromSeconds(1));
        });

        // What was refused left nothing; what was accepted is recorded once.
        var recorded = await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE idempotency_key = ANY($1)", (object)keys.ToArray());
        Assert.Equal(accepted.Count, recorded);

        // The other merchant's budget is its own.
        using var other = await ServiceFixture.PostChargeAsync(service.OtherMerchant, ChargeBodies.NewKey(), ChargeBodies.Visa(100), respondAsync: true);
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);

        // After the wait, the same key goes through.
        var retry = limited[0].Key;
        var retried = await Payments.Testing.Poll.UntilAsync(
            async () =>
            {
                using var response = await ServiceFixture.PostChargeAsync(service.Merchant, retry, ChargeBodies.Visa(100), respondAsync: true);
                return response.StatusCode;
            },
            status => status == HttpStatusCode.Accepted,
            status => $"the refused key is still answered {status}",
            TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.Accepted, retried);
        Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE idempotency_key = $1", retry));
    }
}
