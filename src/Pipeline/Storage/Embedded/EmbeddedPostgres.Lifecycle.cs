using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Payments.Pipeline.Storage.Embedded;

public sealed partial class EmbeddedPostgres
{
    private const string SettingsFile = "embedded.conf";

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
        await File.WriteAllTextAsync(settingsPath, Settings + "\n", cancellationToken).ConfigureAwait(false);
        await GiveToServerUserAsync(settingsPath, cancellationToken).ConfigureAwait(false);

        // We hold the owner lock, so a server still running here was left by an owner that
        // died before its watchdog noticed: take it down and start our own.
        var status = await RunAsServerUserUncheckedAsync(_binaries.PgCtl, ["-D", _dataDirectory, "status"], cancellationToken).ConfigureAwait(false);
        if (status.ExitCode == 0)
        {
            await RunAsServerUserAsync(_binaries.PgCtl, ["-D", _dataDirectory, "-m", "fast", "-w", "stop"], cancellationToken).ConfigureAwait(false);
        }

        Port = FreeLoopbackPort();
        var logFile = Path.Combine(_dataDirectory, "server.log");
        await RunAsServerUserAsync(
            _binaries.PgCtl,
            ["-D", _dataDirectory, "-l", logFile, "-o", $"-p {Port.ToString(CultureInfo.InvariantCulture)}", "-w", "-t", "120", "start"],
            cancellationToken).ConfigureAwait(false);
        StartWatchdog();
        Log.EmbeddedPostgresStarted(_logger, RootDirectory, Port);
    }

    /// <summary>
    /// A detached shell that waits for this process to end and then stops the server. It runs
    /// in its own session, so a terminal's Ctrl-C reaches the service (which stops the server
    /// itself) but not the watchdog; a SIGKILL of the service still leaves no orphan.
    /// </summary>
    private void StartWatchdog()
    {
        var startInfo = new ProcessStartInfo("setsid") { UseShellExecute = false };
        var stop = new List<string> { _binaries.PgCtl, "-D", _dataDirectory, "-m", "fast", "stop" };
        if (_runAs is not null)
        {
            stop.InsertRange(0, ["runuser", "-u", _runAs, "--"]);
        }

        foreach (var argument in new[] { "sh", "-c", "while kill -0 \"$0\" 2>/dev/null; do sleep 1; done; exec \"$@\" >/dev/null 2>&1", Environment.ProcessId.ToString(CultureInfo.InvariantCulture) }.Concat(stop))
        {
            startInfo.ArgumentList.Add(argument);
        }

        _watchdog = Process.Start(startInfo);
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
