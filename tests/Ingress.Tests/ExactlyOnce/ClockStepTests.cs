using Microsoft.Extensions.DependencyInjection;
using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.ExactlyOnce;

/// <summary>The PSP's full 5 s search lag, and a host clock that the test can step like NTP does.</summary>
public sealed class SteppedClockServiceFixture : ServiceFixture
{
    public SteppableClock Clock { get; } = new();

    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["Psp:SearchLag"] = "00:00:05",
        ["Charges:ResolveBackoff"] = "00:00:01",
        ["Charges:ResolveBackoffMax"] = "00:00:02",
    };

    protected override IReadOnlyDictionary<string, string?> SimulatorSettings => new Dictionary<string, string?>
    {
        ["Simulator:SearchLagMs"] = "5000",
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

/// <summary>
/// Invariant 12: "proven not charged" compares when the PSP's key settled with when the search
/// ran. Taken from a host clock, a step of that clock between the two (NTP, or another host a few
/// seconds ahead) searches before the PSP's index caught up and fails a card that was charged.
/// </summary>
public sealed class ClockStepTests(SteppedClockServiceFixture service) : IClassFixture<SteppedClockServiceFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => service.ClearFaultsAsync();

    [Fact]
    public async Task Host_clock_stepped_ahead_10_s_never_fails_a_charge_the_PSP_carried_out()
    {
        // Carried out, then a saved 500: only a search can tell, and it lags 5 s.
        await service.SetFaultsAsync(new { error_500_after = new { rate = 1.0, operations = new[] { "create" }, max_count = 1 } });
        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(6100), respondAsync: true);
        var id = (string)(await ServiceFixture.ReadObjectAsync(response))["id"]!;
        await Poll.UntilAsync(
            async () => await service.Database.ScalarAsync<DateTime?>("SELECT psp_key_settled_at FROM charges WHERE id = $1", id) is not null,
            "the PSP's key to be recorded as settled");

        service.Clock.Step(TimeSpan.FromSeconds(10));

        var final = await service.WaitForChargeAsync(id, c => (string?)c["status"] != "pending");
        Assert.Equal("captured", (string?)final["status"]);
        Assert.Equal(1, await service.MovementsAsync(id, "capture"));
        Assert.Equal(6100, await service.LedgerCapturedAsync(id));
    }
}
