using System.Globalization;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.ExactlyOnce;

/// <summary>
/// An answer that describes another object (another charge's id, another amount) or breaks our
/// own checks is a PSP contract violation: never applied, counted, and the charge waits with a
/// reason that says so until a true answer comes.
/// </summary>
public sealed class PspMismatchTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => service.ClearFaultsAsync();

    [Theory]
    [InlineData("amount")]
    [InlineData("amount_received")]
    [InlineData("charge_id")]
    public async Task PaymentIntent_answer_describing_another_object_is_never_applied(string field)
    {
        await service.SetFaultsAsync(new { tamper = new { rate = 1.0, field } });

        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(9200), respondAsync: true);

        var id = (string)(await ServiceFixture.ReadObjectAsync(response))["id"]!;
        var waiting = await service.WaitForChargeAsync(id, c => (string?)c["pending_reason"] == "psp_mismatch" || (string?)c["status"] != "pending");
        Assert.Equal("pending", (string?)waiting["status"]);
        Assert.Equal("psp_mismatch", (string?)waiting["pending_reason"]);
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals WHERE charge_id = $1", id));
        Assert.True(await MismatchesCountedAsync() > 0, "the mismatch is not counted in /metrics");

        await service.ClearFaultsAsync();

        var final = await service.WaitForChargeAsync(id, c => (string?)c["status"] != "pending");
        Assert.Equal("captured", (string?)final["status"]);
        Assert.Equal(1, await service.MovementsAsync(id, "capture"));
        Assert.Equal(9200, await service.LedgerCapturedAsync(id));
    }

    private async Task<double> MismatchesCountedAsync()
    {
        var metrics = await service.Merchant.GetStringAsync("/metrics");
        return metrics.Split('\n')
            .Where(line => line.StartsWith("payments_psp_mismatches_total", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }
}
