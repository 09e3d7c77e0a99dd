using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Payments.Pipeline.Storage.Embedded;

public sealed partial class EmbeddedPostgres
{
    private const string SettingsFile = "embedded.conf";

    /// <summary>
    /// An operator's own settings, read after ours and kept across starts (it lives beside the
    /// data folder, so it may be written before the first start, e.g. to load
    /// pg_stat_statements for a profile).
    /// </summary>
    public const string LocalSettingsFile = "postgresql.local.conf";

    // Written on every start so that a changed setting reaches an existing cluster.
    // wal_level=logical and the slot/sender counts serve the outbox publisher (one slot per
    // database that runs one); unix sockets are off because the distribution's socket folder
    // belongs to its own cluster, and everything here goes through 127.0.0.1 anyway.
    private const string Settings = """
        listen_addresses = '127.0.0.1'
        unix_socket_directories = ''
        wal_level = logical
        max_replication_slots = 64
        max_wal_senders = 64
        max_connections = 300
        shared_buffers = 256MB
        max_wal_size = 2GB
        log_min_messages = warning
        log_line_prefix = '%m [%p] '
        """;

    private string PasswordFile => Path.Combine(RootDirectory, "superuser.password");

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(_dataDirectory, "PG_VERSION")))
        {
            Password = (await File.ReadAllTextAsync(PasswordFile, cancellationToken).ConfigureAwait(false)).Trim();
            return;
        }

        // A folder without PG_VERSION is a half-made cluster from an interrupted first start.
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }

        Directory.CreateDirectory(_dataDirectory);
        Password = RandomNumberGenerator.GetHexString(32, lowercase: true);
        await File.WriteAllTextAsync(PasswordFile, Password, cancellationToken).ConfigureAwait(false);
        OwnerOnly(PasswordFile);

        var initPasswordFile = Path.Combine(RootDirectory, "initdb.pw");
        await File.WriteAllTextAsync(initPasswordFile, Password, cancellationToken).ConfigureAwait(false);
        OwnerOnly(initPasswordFile);
        try
        {
            await GiveToServerUserAsync(_dataDirectory, cancellationToken).ConfigureAwait(false);
            await GiveToServerUserAsync(initPasswordFile, cancellationToken).ConfigureAwait(false);
            await RunAsServerUserAsync(
                _binaries.InitDb,
                ["-D", _dataDirectory, "-U", Superuser, "--pwfile", initPasswordFile, "--auth-local=scram-sha-256",
                 "--auth-host=scram-sha-256", "--encoding=UTF8", "--no-locale", "--no-sync"],
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(initPasswordFile);
        }

        await File.AppendAllTextAsync(
            Path.Combine(_dataDirectory, "postgresql.conf"), $"\ninclude_if_exists = '{SettingsFile}'\n", cancellationToken).ConfigureAwait(false);
        Log.EmbeddedPostgresInitialized(_logger, RootDirectory);
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var settingsPath = Path.Combine(_dataDirectory, SettingsFile);
        var localSettings = Path.Combine(RootDirectory, LocalSettingsFile);
        await File.WriteAllTextAsync(settingsPath, $"{Settings}\ninclude_if_exists = '{localSettings}'\n", cancellationToken).ConfigureAwait(false);
        if (File.Exists(localSettings))
        {
            await GiveToServerUserAsync(localSettings, cancellationToken).ConfigureAwait(false);
        }

        await GiveToServerUserAsync(settingsPath, cancellationToken).ConfigureAwait(false);

        // We hold the owner lock, so a server still running here was left by an owner that
        // died before its watchdog noticed: take it down and start our own.
        var status = await RunAsServerUserUncheckedAsync(_binaries.PgCtl, ["-D", _dataDirectory, "status"], cancellationToken).ConfigureAwait(false);
        if (status.ExitCode == 0)
        {
            await RunAsServerUserAsync(_binaries.PgCtl, ["-D", _dataDirectory, "-m", "fast", "-w", "stop"], cancellationToken).ConfigureAwait(false);
        }

        Port = FreeLoopbackPort();
        await StartPostmasterAsync(cancellationToken).ConfigureAwait(false);
        Log.EmbeddedPostgresStarted(_logger, RootDirectory, Port);
    }

    /// <summary>
    /// Stops the server as a crash would (<c>pg_ctl -m immediate</c>: no checkpoint, every backend
    /// killed, crash recovery on the next start), waits <paramref name="down"/>, and starts it again
    /// on the same port, so that clients reconnect with the connection strings they hold. For the
    /// chaos runner.
    /// </summary>
    public async Task CrashAndRestartAsync(TimeSpan down, CancellationToken cancellationToken = default)
    {
        await RunAsServerUserAsync(_binaries.PgCtl, ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"], cancellationToken).ConfigureAwait(false);
        await Task.Delay(down, cancellationToken).ConfigureAwait(false);
        await StartPostmasterAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task StartPostmasterAsync(CancellationToken cancellationToken)
    {
        var logFile = Path.Combine(_dataDirectory, "server.log");
        await RunAsServerUserAsync(
            _binaries.PgCtl,
            ["-D", _dataDirectory, "-l", logFile, "-o", $"-p {Port.ToString(CultureInfo.InvariantCulture)}", "-w", "-t", "120", "start"],
            cancellationToken).ConfigureAwait(false);
        await StartWatchdogAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A detached shell that waits for this process to end and then fast-stops the server. It
    /// is forked away at once (<c>setsid --fork</c>), so it belongs to no process tree or
    /// session of ours: a terminal's Ctrl-C reaches the service (which stops the server itself)
    /// but not the watchdog, and killing the service, or its whole tree, still leaves no orphan.
    /// It signals the very postmaster it was started for, so it can never stop a server that a
    /// later owner started in the same folder, and it ends by itself when that server stops.
    /// </summary>
    private async Task StartWatchdogAsync(CancellationToken cancellationToken)
    {
        var pidFile = await File.ReadAllLinesAsync(Path.Combine(_dataDirectory, "postmaster.pid"), cancellationToken).ConfigureAwait(false);
        var postmaster = int.Parse(pidFile[0].Trim(), CultureInfo.InvariantCulture);
        var startInfo = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var argument in new[]
        {
            "--fork", "sh", "-c",
            "while kill -0 \"$0\" 2>/dev/null && kill -0 \"$1\" 2>/dev/null; do sleep 1; done; kill -INT \"$1\" 2>/dev/null",
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            postmaster.ToString(CultureInfo.InvariantCulture),
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var launcher = Process.Start(startInfo) ?? throw new EmbeddedPostgresException("Could not start the embedded PostgreSQL watchdog.");
        await launcher.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void OwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task GiveToServerUserAsync(string path, CancellationToken cancellationToken)
    {
        if (_runAs is not null)
        {
            await CommandRunner.RunCheckedAsync("chown", ["-R", $"{_runAs}:", path], cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunAsServerUserAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        var result = await RunAsServerUserUncheckedAsync(program, arguments, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new EmbeddedPostgresException(
                $"{Path.GetFileName(program)} failed with exit code {result.ExitCode}: {result.Output.Trim()} (server log: {Path.Combine(_dataDirectory, "server.log")})");
        }
    }

    private Task<CommandRunner.CommandResult> RunAsServerUserUncheckedAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        _runAs is null
            ? CommandRunner.RunAsync(program, arguments, cancellationToken)
            : CommandRunner.RunAsync("runuser", ["-u", _runAs, "--", program, .. arguments], cancellationToken);
}
