using System.Security.Cryptography;
using System.Text;

namespace Payments.Pipeline.Merchants;

/// <summary>
/// Merchant secret keys are random and long, so a plain SHA-256 is the right store (a slow
/// password hash would only slow every request); the key itself is never kept.
/// </summary>
internal static class ApiKeys
{
    /// <summary>
    /// The shortest key accepted from configuration. A generated key carries 160 random bits
    /// (40 hex digits); a configured one must at least be long enough to hold 128.
    /// </summary>
    public const int MinLength = 32;

    /// <summary>How much of a key a list shows (<c>sk_live_ab12</c>): 16 bits of its 160.</summary>
    public const int PrefixLength = 12;

    public const string LivePrefix = "sk_live_";

    public const string TestPrefix = "sk_test_";

    public static byte[] Hash(string apiKey) => SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));

    public static string Generate(string prefix = LivePrefix) => prefix + RandomNumberGenerator.GetHexString(40, lowercase: true);

    public static string PrefixOf(string apiKey)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        return apiKey[..Math.Min(PrefixLength, apiKey.Length / 2)];
    }

    public static string NewId() => "key_" + Guid.CreateVersion7().ToString("N");
}
