using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Payments.Pipeline.Storage;
using Payments.Testing;

namespace Payments.Pipeline.Tests.Storage;

public sealed class MigrationTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Applying_migrations_twice_is_a_no_op()
    {
        var runner = new MigrationRunner(database.DataSource, NullLogger<MigrationRunner>.Instance);

        var applied = await runner.MigrateAsync();

        Assert.Equal(0, applied);
        var recorded = await database.ScalarAsync<long>("SELECT count(*) FROM schema_migrations");
        Assert.Equal(MigrationRunner.LoadEmbedded().Count, recorded);
    }

    [Fact]
    public async Task Migrating_a_fresh_database_from_two_processes_at_once_applies_each_migration_once()
    {
        var cluster = await TestCluster.GetAsync();
        var name = $"test_{Guid.NewGuid():N}";
        await cluster.EnsureDatabaseAsync(name);
        try
        {
            // Separate data sources stand for separate processes: separate pools, separate sessions.
            var sources = Enumerable.Range(0, 4).Select(_ => NpgsqlDataSource.Create(cluster.ConnectionString(name))).ToList();
            var counts = await Task.WhenAll(sources.Select(s => new MigrationRunner(s, NullLogger<MigrationRunner>.Instance).MigrateAsync()));

            Assert.Equal(MigrationRunner.LoadEmbedded().Count, counts.Sum());
            Assert.Single(counts, c => c > 0);
            await using var count = sources[0].CreateCommand("SELECT count(*) FROM schema_migrations");
            Assert.Equal((long)MigrationRunner.LoadEmbedded().Count, await count.ExecuteScalarAsync());
            foreach (var source in sources)
            {
                await source.DisposeAsync();
            }
        }
        finally
        {
            await using var connection = new NpgsqlConnection(cluster.ConnectionString("postgres"));
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public void Embedded_migrations_are_ordered_without_gaps()
    {
        var versions = MigrationRunner.LoadEmbedded().Select(m => m.Version).ToList();

        Assert.Equal(Enumerable.Range(1, versions.Count), versions);
    }
}
