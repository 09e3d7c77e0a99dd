using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Payments.Pipeline.Storage;

/// <summary>
/// The connection that changes the schema: migrations at start and retention's partitions after.
/// With <c>ConnectionStrings:Migrations</c> set it is that (owning) role's, so the service itself
/// can connect as one that owns nothing; unset, it is the service's own.
/// </summary>
public sealed class SchemaOwner : IDisposable
{
    public const string ConnectionStringName = "Migrations";

    private readonly NpgsqlDataSource? _own;

    public SchemaOwner(NpgsqlDataSource dataSource, MigrationRunner runner, IConfiguration configuration, ILogger<MigrationRunner> logger)
    {
        var owner = configuration.GetConnectionString(ConnectionStringName);
        _own = string.IsNullOrWhiteSpace(owner) ? null : NpgsqlDataSource.Create(owner);
        DataSource = _own ?? dataSource;
        Migrations = _own is null ? runner : new MigrationRunner(_own, logger);
    }

    public NpgsqlDataSource DataSource { get; }

    public MigrationRunner Migrations { get; }

    public void Dispose() => _own?.Dispose();
}
