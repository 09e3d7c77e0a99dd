using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Payments.Pipeline.Storage;

public static class StorageServiceCollectionExtensions
{
    public const string ConnectionStringName = "Payments";

    /// <summary>The one <see cref="NpgsqlDataSource"/> and the start-up migration.</summary>
    public static IServiceCollection AddPaymentsStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ =>
        {
            var connectionString = configuration.GetConnectionString(ConnectionStringName);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    $"ConnectionStrings:{ConnectionStringName} is not set (environment: ConnectionStrings__{ConnectionStringName}).");
            }

            var builder = new NpgsqlDataSourceBuilder(connectionString);
            return builder.Build();
        });
        services.AddSingleton<MigrationRunner>();
        services.AddHostedService<DatabaseMigrationService>();
        return services;
    }
}
