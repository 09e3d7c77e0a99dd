using System.Net;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Security;

/// <summary>A service that admits eight pending charges at a time, at most half of them one merchant's.</summary>
public sealed class MerchantShareAdmissionFixture : ServiceFixture
{
    public const int Limit = 8;

    public const int Share = Limit / 2;

    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["Charges:MaxInProgress"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Charges:MaxShareOfInProgress"] = "0.5",
    };
}

/// <summary>One merchant's flood cannot take all of the in-progress capacity: another merchant's charges still get in.</summary>
public sealed class MerchantShareAdmissionTests(MerchantShareAdmissionFixture service) : IClassFixture<MerchantShareAdmissionFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => service.ClearFaultsAsync();

    [Fact]
    public async Task Flooding_merchant_is_held_to_its_share_and_another_merchant_is_still_admitted()
    {
        // The PSP is slow, so admitted charges stay in progress while the flood runs.
        await service.SetFaultsAsync(new { latency_ms = new { min = 1500, max = 1500 } });
        var floodKeys = Enumerable.Range(0, 40).Select(_ => ChargeBodies.NewKey()).ToList();
        var flood = await Task.WhenAll(floodKeys.Select(async (key, i) =>
        {
            using var response = await ServiceFixture.PostChargeAsync(service.Merchant, key, ChargeBodies.Visa(1000 + i), respondAsync: true);
            return (Key: key, response.StatusCode, Code: (string?)(await ServiceFixture.ReadObjectAsync(response))["code"]);
        }));

        var admitted = flood.Where(f => f.StatusCode == HttpStatusCode.Accepted).Select(f => f.Key).ToList();
        Assert.InRange(admitted.Count, 1, MerchantShareAdmissionFixture.Share);
        Assert.All(flood.Where(f => f.StatusCode != HttpStatusCode.Accepted), f =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, f.StatusCode);
            Assert.Equal("overloaded", f.Code);
        });
        Assert.Equal(admitted.Count, await service.Database.ScalarAsync<long>(
            "SELECT count(*) FROM charges WHERE idempotency_key = ANY($1)", (object)floodKeys.ToArray()));

        // While the flood's charges are still in progress, the other merchant gets in.
        var others = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await ServiceFixture.PostChargeAsync(service.OtherMerchant, ChargeBodies.NewKey(), ChargeBodies.Visa(2000 + i), respondAsync: true);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            others.Add((string)(await ServiceFixture.ReadObjectAsync(response))["id"]!);
        }

        Assert.Equal(3L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE id = ANY($1)", (object)others.ToArray()));
        foreach (var id in others)
        {
            await Payments.Testing.Poll.UntilAsync(async () => await service.MovementsAsync(id, "capture") == 1, $"the PSP captured {id} once");
        }

        // The PSP saw exactly the admitted charges: nothing refused reached it.
        await Payments.Testing.Poll.UntilAsync(
            async () => (await service.TruthAsync())["payment_intents"]!.AsArray().Count == admitted.Count + others.Count,
            "the PSP's payment intents are the admitted charges");
    }
}
