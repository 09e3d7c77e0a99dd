using System.Globalization;
using System.Net;
using System.Text;
using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.ExactlyOnce;

/// <summary>Small defects that take the service down or let it hide that it is down.</summary>
public sealed class AvailabilityTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await service.SetDatabaseReachableAsync(true);
        await service.ClearFaultsAsync();
    }

    [Fact]
    public async Task Replays_and_refusals_leave_no_request_waiting_for_an_outcome()
    {
        using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(1100));
        var key = ChargeBodies.NewKey();
        using (var first = await ServiceFixture.PostChargeAsync(service.Merchant, key, ChargeBodies.Visa(1200)))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        for (var i = 0; i < 20; i++)
        {
            using var replay = await ServiceFixture.PostChargeAsync(service.Merchant, key, ChargeBodies.Visa(1200));
            Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
            using var reused = await ServiceFixture.PostChargeAsync(service.Merchant, key, ChargeBodies.Visa(1300));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        }

        await Poll.UntilAsync(async () => await GaugeAsync("payments_charges_outcome_waiters") == 0, "no request to wait for an outcome", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Nul_character_in_a_string_is_refused_at_the_door_and_nothing_is_recorded()
    {
        var key = ChargeBodies.NewKey();

        using var response = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/charges", key,
            """{"amount": 1400, "currency": "USD", "payment_method": "pm_card_visa", "description": "a\u0000b"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (string?)(await ServiceFixture.ReadObjectAsync(response))["code"]);
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE idempotency_key = $1", key));
    }

    [Fact]
    public async Task Psp_webhook_signed_with_an_absurd_timestamp_is_refused_with_400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/psp/webhooks")
        {
            Content = new StringContent("""{"id":"evt_x","type":"payment_intent.succeeded","data":{"object":{}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", "t=99999999999999,v1=" + new string('0', 64));

        using var response = await service.Merchant.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Charges_waiting_out_an_open_circuit_come_back_at_different_times()
    {
        await service.SetFaultsAsync(new { outage = new { duration_ms = 60_000, mode = "503" } });
        var ids = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(1500 + i), respondAsync: true);
            ids.Add((string)(await ServiceFixture.ReadObjectAsync(response))["id"]!);
        }

        await Poll.UntilAsync(
            async () => await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE id = ANY($1) AND pending_reason = 'psp_unavailable'", (object)ids.ToArray()) >= 20,
            "the charges to wait on the PSP");

        // Waits taken at once after an open circuit would bring them back as one wave.
        var repeated = await service.Database.ScalarAsync<long>("""
            SELECT count(*) - count(DISTINCT next_attempt_at - updated_at)
            FROM charges
            WHERE id = ANY($1) AND pending_reason = 'psp_unavailable'
            """, (object)ids.ToArray());
        Assert.Equal(0L, repeated);
    }

    [Fact]
    public async Task Readiness_reports_503_while_the_database_is_unreachable()
    {
        Assert.Equal(HttpStatusCode.OK, (await service.Merchant.GetAsync("/readyz")).StatusCode);

        await service.SetDatabaseReachableAsync(false);
        try
        {
            await Poll.UntilAsync(async () => (await service.Merchant.GetAsync("/readyz")).StatusCode == HttpStatusCode.ServiceUnavailable, "readiness to report 503", TimeSpan.FromSeconds(10));
        }
        finally
        {
            await service.SetDatabaseReachableAsync(true);
        }

        await Poll.UntilAsync(async () => (await service.Merchant.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "readiness to come back");
    }

    [Fact]
    public async Task Database_unreachable_answers_reads_503_unavailable_and_writes_500_outcome_unknown()
    {
        using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(1600));
        var id = (string)(await ServiceFixture.ReadObjectAsync(created))["id"]!;

        await service.SetDatabaseReachableAsync(false);
        HttpResponseMessage read;
        HttpResponseMessage write;
        try
        {
            read = await service.Merchant.GetAsync($"/v1/charges/{id}");
            write = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/webhook_endpoints", ChargeBodies.NewKey(), """{"url": "https://example.com/hooks"}""");
        }
        finally
        {
            await service.SetDatabaseReachableAsync(true);
        }

        using (read)
        using (write)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
            Assert.Equal("unavailable", (string?)(await ServiceFixture.ReadObjectAsync(read))["code"]);
            Assert.Equal(HttpStatusCode.InternalServerError, write.StatusCode);
            Assert.Equal("outcome_unknown", (string?)(await ServiceFixture.ReadObjectAsync(write))["code"]);
        }
    }

    private async Task<double> GaugeAsync(string name)
    {
        var metrics = await service.Merchant.GetStringAsync("/metrics");
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal));
        Assert.NotNull(line);
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }
}
