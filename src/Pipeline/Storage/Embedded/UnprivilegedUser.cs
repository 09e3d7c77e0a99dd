namespace Payments.Pipeline.Storage.Embedded;

/// <summary>
/// initdb and postgres refuse to run as root. When this process is root, the cluster runs
/// as the distribution's <c>postgres</c> user, or one created for the purpose.
/// </summary>
internal static class UnprivilegedUser
{
    private const string Preferred = "postgres";
    private const string Created = "pgembed";

    /// <summary>The user to run the server as, or null when this process is not root.</summary>
    public static async Task<string?> ResolveAsync(CancellationToken cancellationToken = default)
    {
        var uid = await CommandRunner.RunCheckedAsync("id", ["-u"], cancellationToken).ConfigureAwait(false);
        if (uid.Trim() != "0")
        {
            return null;
        }

        foreach (var user in new[] { Preferred, Created })
        {
            var exists = await CommandRunner.RunAsync("id", ["-u", user], cancellationToken).ConfigureAwait(false);
            if (exists.ExitCode == 0)
            {
                return user;
            }
        }

        await CommandRunner.RunCheckedAsync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", Created], cancellationToken).ConfigureAwait(false);
        return Created;
    }
}
