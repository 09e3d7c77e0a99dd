using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Payments.Ingress.Tests.Support;
using Payments.Pipeline.Merchants;

namespace Payments.Ingress.Tests.Security;

/// <summary>A service that lets a client address fail authentication ten times, then once a second.</summary>
public sealed class UnknownKeyRateLimitFixture : ServiceFixture
{
    public const int Burst = 10;

    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["Auth:FailureBurst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Auth:FailuresPerSecond"] = "1",
    };
}

/// <summary>
/// Keys are looked up on every request (nothing cached), so what random keys cost is bounded by
/// the failures each client address may have: beyond them, 429 before any lookup.
/// </summary>
public sealed class UnknownKeyRateLimitTests(UnknownKeyRateLimitFixture service) : IClassFixture<UnknownKeyRateLimitFixture>
{
    [Fact]
    public async Task Random_keys_cost_a_bounded_number_of_lookups_then_429_and_record_nothing()
    {
        const int Attempts = 300;
        const int Concurrency = 8;
        var keys = service.Services.GetRequiredService<ApiKeyStore>();
        var charges = await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges");
        var lookupsBefore = keys.Lookups;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var statuses = new System.Collections.Concurrent.ConcurrentBag<(HttpStatusCode Status, string? Code, string? RetryAfter)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Attempts), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (_, _) =>
        {
            using var client = service.ClientFor("sk_live_" + RandomNumberGenerator.GetHexString(40, lowercase: true));
            using var response = await ServiceFixture.PostChargeAsync(client, ChargeBodies.NewKey(), ChargeBodies.Visa(100), respondAsync: true);
            statuses.Add((response.StatusCode, (string?)(await ServiceFixture.ReadObjectAsync(response))["code"],
                response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        });
        var elapsed = clock.Elapsed.TotalSeconds;
        var lookups = keys.Lookups - lookupsBefore;

        // The burst, what the bucket earned back meanwhile, and requests in flight as it ran dry.
        var bound = UnknownKeyRateLimitFixture.Burst + (int)Math.Ceiling(elapsed) + Concurrency;
        Assert.True(lookups <= bound, $"{lookups} lookups for {Attempts} random keys in {elapsed:F1} s; bound {bound}; answers "
            + string.Join(", ", statuses.GroupBy(s => $"{s.Status} {s.Code}").Select(g => $"{g.Key} × {g.Count()}")));
        Assert.Equal(Attempts, statuses.Count);
        Assert.All(statuses, s => Assert.True(
            s is (HttpStatusCode.Unauthorized, "unauthenticated", null) or (HttpStatusCode.TooManyRequests, "rate_limited", not null),
            $"{s.Status} {s.Code} Retry-After {s.RetryAfter}"));
        Assert.True(statuses.Count(s => s.Status == HttpStatusCode.TooManyRequests) >= Attempts - bound);
        Assert.Equal(charges, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges"));

        // The address earns its lookups back: a known key works again after Retry-After.
        await Payments.Testing.Poll.UntilAsync(
            async () => (await service.Merchant.GetAsync("/v1/charges")).StatusCode == HttpStatusCode.OK,
            "the merchant's own key is still refused after the address's wait", TimeSpan.FromSeconds(10));
    }
}
