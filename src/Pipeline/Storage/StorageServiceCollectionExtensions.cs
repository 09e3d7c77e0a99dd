using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Payments.Pipeline.Retention;

namespace Payments.Pipeline.Storage;

public static class StorageServiceCollectionExtensions
{
    public const string ConnectionStringName = "Payments";

    /// <summary>The one <see cref="NpgsqlDataSource"/> and the start-up migration (with the partitions retention makes ahead).</summary>
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

            return new NpgsqlDataSourceBuilder(WithServerSidePreparation(connectionString)).Build();
        });
        services.AddSingleton<MigrationRunner>();
        services.AddSingleton<SchemaOwner>();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<DatabaseMigrationService>();
        return services;
    }

    /// <summary>
    /// The same few statements run thousands of times a second, and PostgreSQL spent about
    /// 40 % of its CPU parsing and planning them again each time (measured with perf during the
    /// quick profile). Statements used twice are prepared on the server, and the pool no longer
    /// resets a returned connection with DISCARD ALL, which would throw those plans away; no
    /// code here keeps session state (advisory locks and settings are transaction-scoped).
    /// Values given in the connection string win.
    /// </summary>
    internal static string WithServerSidePreparation(string connectionString)
    {
        // The plain builder knows only the keys that were given (Npgsql's own reports every
        // keyword it understands as present).
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!IsGiven(given, "Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = 64;
        }

        if (!IsGiven(given, "Auto Prepare Min Usages"))
        {
            builder.AutoPrepareMinUsages = 2;
        }

        if (!IsGiven(given, "No Reset On Close"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    private static bool IsGiven(System.Data.Common.DbConnectionStringBuilder given, string keyword) =>
        given.ContainsKey(keyword) || given.ContainsKey(keyword.Replace(" ", "", StringComparison.Ordinal));
}
