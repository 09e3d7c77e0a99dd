using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Payments.Pipeline.Storage.Embedded;

/// <summary>
/// A private PostgreSQL cluster for development and tests, made from the machine's own
/// server binaries: created once in a git-ignored folder, started on 127.0.0.1 and a free
/// port with logical replication enabled, reused on the next start, and stopped on
/// disposal. A watchdog process stops it too when the owning process dies without
/// disposing, so no orphan postmaster outlives a killed service or test run.
/// </summary>
public sealed partial class EmbeddedPostgres : IAsyncDisposable
{
    private const string Superuser = "postgres";

    private readonly PostgresBinaries _binaries;
    private readonly string _dataDirectory;
    private readonly string? _runAs;
    private readonly FileStream _ownerLock;
    private readonly ILogger _logger;
    private int _disposed;

    private EmbeddedPostgres(PostgresBinaries binaries, string rootDirectory, string? runAs, FileStream ownerLock, ILogger logger)
    {
        _binaries = binaries;
        RootDirectory = rootDirectory;
        _dataDirectory = Path.Combine(rootDirectory, "data");
        _runAs = runAs;
        _ownerLock = ownerLock;
        _logger = logger;
    }

    public string RootDirectory { get; }

    public int Port { get; private set; }

    private string Password { get; set; } = "";

    /// <summary>A connection string for <paramref name="database"/> as the cluster's superuser.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = IPAddress.Loopback.ToString(),
        Port = Port,
        Username = Superuser,
        Password = Password,
        Database = database,
    }.ConnectionString;

    /// <summary>Prepares (first time only) and starts the cluster kept in <paramref name="rootDirectory"/>.</summary>
    public static async Task<EmbeddedPostgres> StartAsync(string rootDirectory, ILogger logger, CancellationToken cancellationToken = default)
    {
        var binaries = await PostgresBinaries.FindAsync(cancellationToken).ConfigureAwait(false);
        var runAs = await UnprivilegedUser.ResolveAsync(cancellationToken).ConfigureAwait(false);
        var root = await ChooseRootAsync(Path.GetFullPath(rootDirectory), runAs, logger, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(root);

        FileStream ownerLock;
        try
        {
            // FileShare.None takes an exclusive flock: a second live owner of the same
            // cluster is refused instead of stopping the first one's server.
            ownerLock = new FileStream(Path.Combine(root, "owner.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new EmbeddedPostgresException(
                $"The embedded PostgreSQL cluster in {root} is in use by another process. Stop it, or set ConnectionStrings__Payments.", e);
        }

        var cluster = new EmbeddedPostgres(binaries, root, runAs, ownerLock, logger);
        try
        {
            await cluster.InitializeAsync(cancellationToken).ConfigureAwait(false);
            await cluster.StartServerAsync(cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates <paramref name="database"/> when it does not exist yet.</summary>
    public async Task EnsureDatabaseAsync(string database, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.AddWithValue(database);
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            try
            {
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Another starter created it between the check and the create: the goal is met.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            if (File.Exists(Path.Combine(_dataDirectory, "postmaster.pid")))
            {
                await RunAsServerUserAsync(_binaries.PgCtl, ["-D", _dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"]).ConfigureAwait(false);
                Log.EmbeddedPostgresStopped(_logger, RootDirectory);
            }
        }
        finally
        {
            await _ownerLock.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<string> ChooseRootAsync(string requested, string? runAs, ILogger logger, CancellationToken cancellationToken)
    {
        if (runAs is null)
        {
            return requested;
        }

        // The server runs as an unprivileged user that must be able to reach its data folder;
        // a clone under a private home (e.g. /root) is not reachable, so fall back to /var/tmp.
        var probe = requested;
        while (!Directory.Exists(probe))
        {
            probe = Path.GetDirectoryName(probe) ?? "/";
        }

        var reachable = await CommandRunner.RunAsync("runuser", ["-u", runAs, "--", "test", "-x", probe], cancellationToken).ConfigureAwait(false);
        if (reachable.ExitCode == 0)
        {
            return requested;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(requested)))[..12];
        var fallback = Path.Combine("/var/tmp", $"payments-postgres-{hash}");
        Log.EmbeddedPostgresFallbackFolder(logger, requested, runAs, fallback);
        return fallback;
    }
}
