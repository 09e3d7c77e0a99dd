using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Charges;

public sealed class PspOutageTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => service.ClearFaultsAsync();

    // Either way the PSP refuses before carrying anything out; whichever reason is shown,
    // a later attempt reuses the same key, so it can never charge twice.
    [Theory]
    [InlineData("503")]
    [InlineData("refuse")]
    public async Task Charges_during_a_psp_outage_stay_pending_as_psp_unavailable_and_complete_after_it(string mode)
    {
        await service.SetFaultsAsync(new { outage = new { duration_ms = 3000, mode } });

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(600 + i), respondAsync: true)));
        var ids = new List<string>();
        foreach (var response in responses)
        {
            ids.Add((string)(await ServiceFixture.ReadObjectAsync(response))["id"]!);
        }

        var waiting = await service.WaitForChargeAsync(ids[0], c => (string?)c["pending_reason"] != "awaiting_psp");
        Assert.Equal("pending", (string?)waiting["status"]);
        Assert.Equal("psp_unavailable", (string?)waiting["pending_reason"]);
        foreach (var id in ids)
        {
            await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured", TimeSpan.FromSeconds(30));
            Assert.Equal(1, await service.MovementsAsync(id, "capture"));
        }

        await service.AssertLedgerBalancedAsync();
    }
}
