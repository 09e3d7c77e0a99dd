using Payments.Ingress.Tests.Support;
using Payments.Testing;
using Xunit.Abstractions;

namespace Payments.Ingress.Tests.Convergence;

/// <summary>
/// The contract's bound, measured: 200 changes made at the PSP directly with every webhook dropped
/// each reach their charge within 60 s. The figures (p50, max) are printed for perf/RESULTS.md.
/// </summary>
public sealed class ConvergenceBoundTests(ServiceFixture service, ITestOutputHelper output) : IClassFixture<ServiceFixture>, IAsyncLifetime
{
    private const int Changes = 200;
    private static readonly TimeSpan ContractBound = TimeSpan.FromSeconds(60);

    public Task InitializeAsync() => service.SetFaultsAsync(new { webhooks = new { drop_rate = 1.0 } });

    public Task DisposeAsync() => service.ClearFaultsAsync();

    [Fact]
    public async Task Two_hundred_changes_made_at_the_PSP_each_reach_their_charge_within_60_s_with_every_webhook_dropped()
    {
        var charges = new List<(string Id, string PaymentIntent)>();
        for (var i = 0; i < Changes; i++)
        {
            using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(1000 + i, capture: false));
            var charge = await ServiceFixture.ReadObjectAsync(created);
            charges.Add(((string)charge["id"]!, (string)charge["psp_reference"]!));
        }

        // Half captured, half canceled at the PSP, as fast as its dashboard answers.
        var madeAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        for (var i = 0; i < charges.Count; i++)
        {
            var action = i % 2 == 0 ? "capture" : "cancel";
            using var changed = await service.PspPostAsync($"/v1/payment_intents/{charges[i].PaymentIntent}/{action}", "");
            Assert.True(changed.IsSuccessStatusCode, await changed.Content.ReadAsStringAsync());
            madeAt[charges[i].Id] = DateTimeOffset.UtcNow;
        }

        var ids = charges.Select(c => c.Id).ToArray();
        await Poll.UntilAsync(
            async () => await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE id = ANY($1) AND status IN ('captured', 'voided')", (object)ids) == Changes,
            "every change to reach its charge",
            ContractBound + TimeSpan.FromSeconds(30));

        var latencies = new List<TimeSpan>();
        await using (var command = service.Database.DataSource.CreateCommand("SELECT id, updated_at FROM charges WHERE id = ANY($1)"))
        {
            command.Parameters.AddWithValue(ids);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                latencies.Add(reader.GetFieldValue<DateTimeOffset>(1) - madeAt[reader.GetString(0)]);
            }
        }

        latencies.Sort();
        var p50 = latencies[latencies.Count / 2];
        var max = latencies[^1];
        output.WriteLine($"{Changes} PSP-side changes, every webhook dropped: p50 {p50.TotalSeconds:F1} s, max {max.TotalSeconds:F1} s");
        Assert.True(max <= ContractBound, $"the slowest change took {max.TotalSeconds:F1} s (p50 {p50.TotalSeconds:F1} s)");
        Assert.Equal(Changes / 2, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE id = ANY($1) AND status = 'captured'", (object)ids));
        await service.AssertLedgerBalancedAsync();
    }
}
