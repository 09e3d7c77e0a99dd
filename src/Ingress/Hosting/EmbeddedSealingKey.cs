using System.Security.Cryptography;

namespace Payments.Ingress.Hosting;

/// <summary>
/// The embedded run's key for sealing secrets at rest (Secrets:SealingKeys): made once for its
/// PostgreSQL folder and kept there in a file only this user can read, so it lives exactly as
/// long as the data sealed with it (a key derived from something else in the folder would tie
/// two secrets together for nothing). Configured keys always win.
/// </summary>
internal static class EmbeddedSealingKey
{
    public const string KeyId = "embedded";
    public const string FileName = "sealing-key";

    public static void Apply(IConfiguration configuration, string folder)
    {
        if (!string.IsNullOrWhiteSpace(configuration["Secrets:ActiveKeyId"]))
        {
            return;
        }

        configuration[$"Secrets:SealingKeys:{KeyId}"] = ReadOrCreate(Path.Combine(folder, FileName));
        configuration["Secrets:ActiveKeyId"] = KeyId;
    }

    internal static string ReadOrCreate(string path)
    {
        try
        {
            // CreateNew: two runs starting on one folder cannot both write a key; the loser reads.
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(path, create);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            using (var writer = new StreamWriter(stream))
            {
                writer.WriteLine(key);
            }

            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }
    }
}
