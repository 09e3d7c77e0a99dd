using System.Security.Cryptography;
using System.Text;

namespace Payments.Pipeline.Merchants;

/// <summary>
/// Merchant secret keys are random and long, so a plain SHA-256 is the right store (a slow
/// password hash would only slow every request); the key itself is never kept.
/// </summary>
internal static class ApiKeys
{
    public static byte[] Hash(string apiKey) => SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));

    public static string Generate() => "sk_live_" + RandomNumberGenerator.GetHexString(40, lowercase: true);
}
