using Payments.Pipeline.Hosting;

namespace Payments.Pipeline.Tests.Hosting;

public sealed class DescriptorBudgetTests
{
    [Fact]
    public void Budget_keeps_the_reserve_and_splits_the_rest_between_psp_calls_and_clients()
    {
        var budget = DescriptorBudget.For(openFilesLimit: 20_000, databasePoolSize: 100);

        Assert.Equal(100 + DescriptorBudget.Headroom, budget.Reserved);
        Assert.Equal(20_000, budget.Reserved + budget.PspConnections + budget.InboundConnections);
        // The seed's peak: 5,000 charges/s at 2 s mean PSP latency is 10,000 calls in flight.
        Assert.True(budget.PspConnections >= 10_000, $"PSP share {budget.PspConnections}");
        Assert.True(budget.InboundConnections >= 5_000, $"client share {budget.InboundConnections}");
    }

    [Fact]
    public void A_limit_below_the_reserve_still_allows_one_of_each()
    {
        var budget = DescriptorBudget.For(openFilesLimit: 256, databasePoolSize: 100);

        Assert.True(budget.PspConnections >= 1);
        Assert.True(budget.InboundConnections >= 1);
    }

    [Theory]
    [InlineData(null, 700, 700)]
    [InlineData(300, 700, 300)]
    [InlineData(5_000, 700, 700)]
    public void Configured_limits_are_kept_within_the_share(int? configured, int share, int expected) =>
        Assert.Equal(expected, DescriptorBudget.Cap(configured, share));

    [Fact]
    public void Open_files_soft_limit_is_read_from_proc_limits()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, [
                "Limit                     Soft Limit           Hard Limit           Units     ",
                "Max processes             95468                95468                processes ",
                "Max open files            4096                 20000                files     ",
            ]);

            Assert.Equal(4_096, DescriptorBudget.ReadOpenFilesLimit(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void This_process_has_a_readable_open_files_limit()
    {
        // The service and its tests run on Linux; elsewhere the budget assumes a large limit.
        Assert.True(!OperatingSystem.IsLinux() || DescriptorBudget.ReadOpenFilesLimit() > 0);
    }
}
