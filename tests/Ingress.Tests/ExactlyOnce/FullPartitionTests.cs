using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.ExactlyOnce;

/// <summary>One partition that runs one step at a time and holds one more: easy to fill.</summary>
public sealed class TinyPartitionServiceFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["Pipeline:Partitions"] = "1",
        ["Pipeline:ConcurrencyPerPartition"] = "1",
        ["Pipeline:ChannelCapacity"] = "1",
        ["Psp:AttemptTimeout"] = "00:00:05",
    };
}

/// <summary>A webhook acknowledged while its charge's partition is full still reaches the charge.</summary>
public sealed class FullPartitionTests(TinyPartitionServiceFixture service) : IClassFixture<TinyPartitionServiceFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => service.ClearFaultsAsync();

    [Fact]
    public async Task Capture_at_the_PSP_reaches_the_charge_when_the_partition_was_full_as_its_webhook_came()
    {
        using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(9400, capture: false));
        var charge = await ServiceFixture.ReadObjectAsync(created);
        var id = (string)charge["id"]!;
        Assert.Equal("authorized", (string?)charge["status"]);

        // Slow new charges keep the partition full (one runs for 3 s, one waits) while the webhook comes.
        await service.SetFaultsAsync(new { latency_ms = new { min = 3000, max = 3000 } });
        using var filling = new CancellationTokenSource(TimeSpan.FromSeconds(7));
        var fill = FillAsync(filling.Token);

        using var captured = await service.PspPostAsync($"/v1/payment_intents/{(string)charge["psp_reference"]!}/capture", "");
        await fill;

        Assert.True(captured.IsSuccessStatusCode, await captured.Content.ReadAsStringAsync());
        await service.WaitForChargeAsync(id, c => (string?)c["status"] == "captured", TimeSpan.FromSeconds(45));
        Assert.Equal(9400, await service.LedgerCapturedAsync(id));
        Assert.Equal(1, await service.OutboxCountAsync(id, "charge.captured"));
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        using var every = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (!cancellationToken.IsCancellationRequested)
        {
            using var filler = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(100), respondAsync: true);
            try
            {
                await every.WaitForNextTickAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
