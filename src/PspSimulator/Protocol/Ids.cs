using System.Security.Cryptography;

namespace PspSimulator.Protocol;

/// <summary>Stripe-looking object ids: a prefix and 24 random base-62 characters.</summary>
internal static class Ids
{
    private const int Length = 24;
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    // One call to the random source per id, not one per character (RandomNumberGenerator.GetString
    // draws per character for an alphabet that is not a power of two). The modulo bias is irrelevant
    // for an id that only has to be unique.
    public static string New(string prefix) => string.Create(prefix.Length + 1 + Length, prefix, static (chars, prefix) =>
    {
        Span<byte> random = stackalloc byte[Length];
        RandomNumberGenerator.Fill(random);
        prefix.AsSpan().CopyTo(chars);
        chars[prefix.Length] = '_';
        for (var i = 0; i < Length; i++)
        {
            chars[prefix.Length + 1 + i] = Alphabet[random[i] % Alphabet.Length];
        }
    });
}
