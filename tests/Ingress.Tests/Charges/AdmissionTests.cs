using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Payments.Ingress.Tests.Support;
using Payments.Pipeline.Merchants;

namespace Payments.Ingress.Tests.Charges;

/// <summary>A service that admits at most three pending charges at a time.</summary>
public sealed class SmallAdmissionServiceFixture : ServiceFixture
{
    public const int Limit = 3;

    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["Charges:MaxInProgress"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),

        // One merchant fills the whole limit here (the share per merchant is tested in Security).
        ["Charges:MaxShareOfInProgress"] = "1",

        // The PSP's latency below must keep the admitted charges pending while the test sends the
        // fourth, even on a busy machine: 2.5 s, within a longer attempt timeout.
        ["Psp:AttemptTimeout"] = "00:00:05",
    };
}

public sealed class AdmissionTests(SmallAdmissionServiceFixture service) : IClassFixture<SmallAdmissionServiceFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => service.ClearFaultsAsync();

    [Fact]
    public async Task Charge_arriving_while_the_service_is_full_is_refused_before_its_key_is_looked_up_or_its_body_read()
    {
        var admitted = await FillTheServiceAsync(2000);

        try
        {
            var keys = service.Services.GetRequiredService<ApiKeyStore>();
            var lookupsBefore = keys.Lookups;
            var charges = await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges");

            // A body that is not even JSON: while the service is full it is never read.
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/charges") { Content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", ChargeBodies.NewKey());
            using var refused = await service.Merchant.SendAsync(request);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("overloaded", (string?)(await ServiceFixture.ReadObjectAsync(refused))["code"]);
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
            Assert.Equal(0L, keys.Lookups - lookupsBefore);
            Assert.Equal(charges, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges"));

            // Without a key the answer is still 401, as the contract has it: telling costs nothing.
            using var anonymous = new HttpClient { BaseAddress = service.Merchant.BaseAddress };
            using var unauthenticated = await ServiceFixture.PostChargeAsync(anonymous, ChargeBodies.NewKey(), ChargeBodies.Visa(4243), respondAsync: true);
            Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        }
        finally
        {
            // The other test of the class needs the room back, whatever happened above.
            foreach (var id in admitted)
            {
                await service.WaitForFinalAsync(id);
            }
        }
    }

    [Fact]
    public async Task Charges_beyond_the_in_progress_limit_are_refused_at_once_and_nothing_is_recorded()
    {
        var admitted = await FillTheServiceAsync(1000);

        var refusedKey = ChargeBodies.NewKey();
        using var refused = await ServiceFixture.PostChargeAsync(service.Merchant, refusedKey, ChargeBodies.Visa(4242), respondAsync: true);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("overloaded", (string?)(await ServiceFixture.ReadObjectAsync(refused))["code"]);
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE idempotency_key = $1", refusedKey));

        // Once the admitted ones are final there is room again, and the same key is accepted.
        foreach (var id in admitted)
        {
            Assert.Equal("captured", (string?)(await service.WaitForFinalAsync(id))["status"]);
        }

        await service.ClearFaultsAsync();
        using var retried = await ServiceFixture.PostChargeAsync(service.Merchant, refusedKey, ChargeBodies.Visa(4242));
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        var charged = (string)(await ServiceFixture.ReadObjectAsync(retried))["id"]!;
        Assert.Equal(1, await service.MovementsAsync(charged, "capture"));
        Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE idempotency_key = $1", refusedKey));
    }

    /// <summary>Admits as many charges as the service takes; the PSP is slow, so they stay pending for a while.</summary>
    private async Task<List<string>> FillTheServiceAsync(long firstAmount)
    {
        await service.SetFaultsAsync(new { latency_ms = new { min = 2500, max = 2500 } });
        var admitted = new List<string>();
        for (var i = 0; i < SmallAdmissionServiceFixture.Limit; i++)
        {
            using var accepted = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(firstAmount + i), respondAsync: true);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            admitted.Add((string)(await ServiceFixture.ReadObjectAsync(accepted))["id"]!);
        }

        return admitted;
    }
}
