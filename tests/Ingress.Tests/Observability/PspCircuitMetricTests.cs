using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.Observability;

/// <summary>The gauge behind the PspCircuitOpen alert follows the PSP adapter's circuit breaker.</summary>
public sealed class PspCircuitMetricTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => service.ClearFaultsAsync();

    [Fact]
    public async Task Circuit_gauge_reads_1_while_the_PSP_is_down_and_0_once_it_answers_again()
    {
        Assert.Equal(0, await ServedMetrics.ValueAsync(service.Merchant, "payments_psp_circuit_open"));

        // 503s are what opens the breaker (with timeouts and refused connections); each charge
        // makes three attempts, so fifteen pass its minimum throughput.
        await service.SetFaultsAsync(new { outage = new { duration_ms = 60_000, mode = "503" } });
        for (var i = 0; i < 15; i++)
        {
            using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(1700 + i), respondAsync: true);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        await Poll.UntilAsync(async () => await ServedMetrics.ValueAsync(service.Merchant, "payments_psp_circuit_open") == 1, "the circuit gauge to read 1 during the outage", Bound);

        // The charges waiting out the outage are tried again; the first call that goes through closes it.
        await service.ClearFaultsAsync();
        await Poll.UntilAsync(async () => await ServedMetrics.ValueAsync(service.Merchant, "payments_psp_circuit_open") == 0, "the circuit gauge to read 0 once the PSP answers", Bound);
    }
}
