using Microsoft.Extensions.Logging.Abstractions;
using Payments.Pipeline.Storage.Embedded;

namespace Payments.Testing;

/// <summary>
/// One embedded PostgreSQL cluster per test process, started on first use from the
/// same launcher the service uses, and stopped when the process exits.
/// </summary>
public static class TestCluster
{
    private static readonly Lazy<Task<EmbeddedPostgres>> Cluster = new(StartAsync);

    public static Task<EmbeddedPostgres> GetAsync() => Cluster.Value;

    /// <summary>The repository's root folder (where PaymentPipeline.sln is).</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PaymentPipeline.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("PaymentPipeline.sln not found above the test binaries.");
    }

    private static async Task<EmbeddedPostgres> StartAsync()
    {
        // Each test assembly runs in its own process, possibly at the same time as the
        // others, so each keeps its own cluster folder, named after its project
        // (the binaries live in tests/<project>/bin/<configuration>/<framework>/).
        var name = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Parent?.Parent?.Name ?? "tests";
        var root = Path.Combine(RepositoryRoot(), ".data", $"test-postgres-{name}");
        var cluster = await EmbeddedPostgres.StartAsync(root, NullLogger.Instance).ConfigureAwait(false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return cluster;
    }
}
