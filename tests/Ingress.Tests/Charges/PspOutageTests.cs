using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Charges;

public sealed class PspOutageTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => service.ClearFaultsAsync();

    // A 503 is a refusal before execution: psp_unavailable. A connection the PSP drops may
    // have been dropped after our request reached it: when .NET reports the response as cut
    // short rather than the connection as failed, that is honestly outcome_unknown. Either
    // way a later attempt reuses the same key, so it can never charge twice.
    [Theory]
    [InlineData("503", "psp_unavailable", "psp_unavailable")]
    [InlineData("refuse", "psp_unavailable", "outcome_unknown")]
    public async Task Charges_during_a_psp_outage_stay_pending_and_complete_after_it(string mode, string reason, string alternative)
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
        Assert.Contains((string?)waiting["pending_reason"], new[] { reason, alternative });
        foreach (var id in ids)
        {
            await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured", TimeSpan.FromSeconds(30));
            Assert.Equal(1, await service.MovementsAsync(id, "capture"));
        }

        await service.AssertLedgerBalancedAsync();
    }
}
