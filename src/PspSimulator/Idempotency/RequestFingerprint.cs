using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using PspSimulator.Protocol;

namespace PspSimulator.Idempotency;

/// <summary>
/// What "the same parameters" means: method, path and the sorted parameters, hashed. The path is in
/// it, so the same key on another endpoint counts as different parameters.
/// </summary>
internal static class RequestFingerprint
{
    public static UInt128 Compute(string method, string path, FormParameters parameters)
    {
        var text = new StringBuilder(256).Append(method).Append(' ').Append(path).Append('\n');
        foreach (var (name, value) in parameters.All)
        {
            text.Append(name).Append('=').Append(value).Append('\n');
        }

        // Half of a SHA-256 is plenty to tell parameter sets apart, and fits in the entry without an array.
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()), hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }
}
