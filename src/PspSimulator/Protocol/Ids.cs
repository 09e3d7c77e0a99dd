using System.Security.Cryptography;

namespace PspSimulator.Protocol;

/// <summary>Stripe-looking object ids: a prefix and 24 base-62 characters.</summary>
internal static class Ids
{
    private const int Length = 24;
    private const int SequenceLength = 10;
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>A random id.</summary>
    public static string New(string prefix) => Create(prefix, 0, sequenced: false);

    /// <summary>
    /// An id whose first ten characters carry a sequence number and the rest are random, so a store can
    /// find the object by id without a second index. Callers must not rely on it: ids stay opaque.
    /// </summary>
    public static string WithSequence(string prefix, long sequence) => Create(prefix, sequence, sequenced: true);

    public static bool TryReadSequence(string id, string prefix, out long sequence)
    {
        sequence = 0;
        if (id.Length != prefix.Length + 1 + Length || !id.StartsWith(prefix, StringComparison.Ordinal) || id[prefix.Length] != '_')
        {
            return false;
        }

        foreach (var c in id.AsSpan(prefix.Length + 1, SequenceLength))
        {
            var digit = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                return false;
            }

            sequence = (sequence * Alphabet.Length) + digit;
        }

        return true;
    }

    // One call to the random source per id, not one per character (RandomNumberGenerator.GetString
    // draws per character for an alphabet that is not a power of two). The modulo bias is irrelevant
    // for an id that only has to be unique.
    private static string Create(string prefix, long sequence, bool sequenced) =>
        string.Create(prefix.Length + 1 + Length, (prefix, sequence, sequenced), static (chars, state) =>
        {
            var (prefix, sequence, sequenced) = state;
            Span<byte> random = stackalloc byte[Length];
            RandomNumberGenerator.Fill(random);
            prefix.AsSpan().CopyTo(chars);
            chars[prefix.Length] = '_';
            var body = chars[(prefix.Length + 1)..];
            for (var i = 0; i < Length; i++)
            {
                body[i] = Alphabet[random[i] % Alphabet.Length];
            }

            if (sequenced)
            {
                for (var i = SequenceLength - 1; i >= 0; i--)
                {
                    body[i] = Alphabet[(int)(sequence % Alphabet.Length)];
                    sequence /= Alphabet.Length;
                }
            }
        });
}
