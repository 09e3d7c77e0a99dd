namespace Payments.Pipeline.Storage.Embedded;

/// <summary>Finds the PostgreSQL server programs (initdb, pg_ctl, postgres) installed on this machine.</summary>
internal sealed record PostgresBinaries(string Directory)
{
    public string InitDb => Path.Combine(Directory, "initdb");

    public string PgCtl => Path.Combine(Directory, "pg_ctl");

    public static async Task<PostgresBinaries> FindAsync(CancellationToken cancellationToken = default)
    {
        foreach (var candidate in await CandidatesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (File.Exists(Path.Combine(candidate, "initdb"))
                && File.Exists(Path.Combine(candidate, "pg_ctl"))
                && File.Exists(Path.Combine(candidate, "postgres")))
            {
                return new PostgresBinaries(candidate);
            }
        }

        throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found on PATH, through `pg_config --bindir`, "
            + "or under /usr/lib/postgresql/*/bin. Install the Debian package `postgresql` (apt-get install -y postgresql), "
            + "or set ConnectionStrings__Payments to use an existing server.");
    }

    private static async Task<List<string>> CandidatesAsync(CancellationToken cancellationToken)
    {
        var candidates = new List<string>();
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        candidates.AddRange(path.Split(':', StringSplitOptions.RemoveEmptyEntries));

        try
        {
            var result = await CommandRunner.RunAsync("pg_config", ["--bindir"], cancellationToken).ConfigureAwait(false);
            if (result.ExitCode == 0)
            {
                candidates.Add(result.Output.Trim());
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // pg_config is only the client's helper; its absence is not an error.
        }

        const string DebianRoot = "/usr/lib/postgresql";
        if (System.IO.Directory.Exists(DebianRoot))
        {
            candidates.AddRange(System.IO.Directory.GetDirectories(DebianRoot)
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var version) ? version : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        return candidates;
    }
}
