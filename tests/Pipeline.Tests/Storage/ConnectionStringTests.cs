using Npgsql;
using Payments.Pipeline.Storage;

namespace Payments.Pipeline.Tests.Storage;

public sealed class ConnectionStringTests
{
    [Fact]
    public void Statements_are_prepared_and_connections_not_reset_by_default()
    {
        var result = new NpgsqlConnectionStringBuilder(
            StorageServiceCollectionExtensions.WithServerSidePreparation("Host=127.0.0.1;Database=payments"));

        Assert.Equal(64, result.MaxAutoPrepare);
        Assert.Equal(2, result.AutoPrepareMinUsages);
        Assert.True(result.NoResetOnClose);
        Assert.Equal("payments", result.Database);
    }

    [Fact]
    public void Values_given_in_the_connection_string_win()
    {
        var result = new NpgsqlConnectionStringBuilder(
            StorageServiceCollectionExtensions.WithServerSidePreparation("Host=127.0.0.1;Max Auto Prepare=0;NoResetOnClose=false;Auto Prepare Min Usages=5"));

        Assert.Equal(0, result.MaxAutoPrepare);
        Assert.Equal(5, result.AutoPrepareMinUsages);
        Assert.False(result.NoResetOnClose);
    }
}
