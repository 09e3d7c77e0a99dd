using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.Reconciliation;

/// <summary>The reconciler looks every second here (a minute by default).</summary>
public sealed class EagerReconcilerFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["Reconciliation:Interval"] = "00:00:01",
    };
}

/// <summary>A day the PSP closes is reconciled by itself, once; a day still open starts no run.</summary>
public sealed class ReconciliationWorkerTests(EagerReconcilerFixture service) : IClassFixture<EagerReconcilerFixture>
{
    [Fact]
    public async Task Day_closed_at_the_PSP_is_reconciled_by_itself_once_and_an_open_day_starts_no_run()
    {
        using (var charge = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(3300)))
        {
            Assert.True(charge.IsSuccessStatusCode);
        }

        // Open: the worker asks the PSP every second and starts nothing.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM reconciliation_runs"));

        using var closed = await service.Simulator.PostAsync("/_sim/settlement/close", null);
        var date = DateOnly.Parse((string)(await ServiceFixture.ReadObjectAsync(closed))["date"]!, System.Globalization.CultureInfo.InvariantCulture);

        await Poll.UntilAsync(
            async () => await service.Database.ScalarAsync<long>("SELECT count(*) FROM reconciliation_runs WHERE date = $1 AND status = 'completed'", date) == 1,
            "the closed day to be reconciled by the worker",
            TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM reconciliation_runs"));
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM discrepancies"));
        Assert.True(await service.Database.ScalarAsync<long>("SELECT count(*) FROM settlement_lines WHERE date = $1 AND outcome = 'matched'", date) >= 1);
        using var client = new HttpClient { BaseAddress = new Uri(service.ServiceUrl) };
        var metrics = await client.GetStringAsync("/metrics");
        Assert.Contains("payments_reconciliation_balance_difference_largest 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("payments_reconciliation_balance_difference{currency=\"USD\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("payments_reconciliation_last_day_age_seconds NaN", metrics, StringComparison.Ordinal);
    }
}
