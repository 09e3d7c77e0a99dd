using System.Security.Cryptography;

namespace PspSimulator.Protocol;

/// <summary>Stripe-looking object ids: a prefix and 24 random base-62 characters.</summary>
internal static class Ids
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string New(string prefix) => string.Concat(prefix, "_", RandomNumberGenerator.GetString(Alphabet, 24));
}
