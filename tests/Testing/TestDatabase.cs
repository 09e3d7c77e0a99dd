using Npgsql;
using Payments.Pipeline.Retention;
using Payments.Pipeline.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Payments.Testing;

/// <summary>
/// A fresh, migrated database for one test class, dropped when the class is done.
/// Use as an xunit class fixture.
/// </summary>
public sealed class TestDatabase : IAsyncLifetime
{
    private NpgsqlDataSource? _dataSource;

    public string Name { get; } = $"test_{Guid.NewGuid():N}";

    public string ConnectionString { get; private set; } = "";

    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("The database is not created yet.");

    public async Task InitializeAsync()
    {
        var cluster = await TestCluster.GetAsync();
        await cluster.EnsureDatabaseAsync(Name);
        ConnectionString = cluster.ConnectionString(Name);
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
        await new MigrationRunner(_dataSource, NullLogger<MigrationRunner>.Instance).MigrateAsync();
        await RetentionStore.PrepareAsync(_dataSource, new RetentionOptions());
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        var cluster = await TestCluster.GetAsync();
        await using var connection = new NpgsqlConnection(cluster.ConnectionString("postgres"));
        await connection.OpenAsync();

        // A replication slot keeps its database alive; the test's slots go with it.
        await using (var dropSlots = new NpgsqlCommand(
            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = $1 AND NOT active", connection))
        {
            dropSlots.Parameters.AddWithValue(Name);
            await dropSlots.ExecuteNonQueryAsync();
        }

        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Runs one SQL statement and returns the first column of the first row.</summary>
    public async Task<T?> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>Runs SQL (several statements allowed) in one implicit transaction.</summary>
    public async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        await command.ExecuteNonQueryAsync();
    }
}
