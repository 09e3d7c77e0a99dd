using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Payments.Pipeline.PspWebhooks;

/// <summary>
/// Checks <c>Stripe-Signature: t=…,v1=…[,v1=…]</c>: an HMAC-SHA256 of "<c>t.raw body</c>"
/// with the endpoint secret, compared in constant time, any one <c>v1</c> matching (secret
/// rotation), and a timestamp no older than the tolerance (replay protection).
/// </summary>
public static class PspSignatureVerifier
{
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    public static bool IsValid(string? header, ReadOnlySpan<byte> rawBody, string secret, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(header) || string.IsNullOrEmpty(secret))
        {
            return false;
        }

        long? timestamp = null;
        var candidates = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = part.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                continue;
            }

            var key = part[..separator];
            var value = part[(separator + 1)..];
            if (key == "t" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                timestamp = t;
            }
            else if (key == "v1")
            {
                candidates.Add(value);
            }
        }

        // A timestamp no clock can show (DateTimeOffset stops at year 9999) verifies nothing.
        if (timestamp is not { } seconds || candidates.Count == 0 || seconds > MaxUnixSeconds)
        {
            return false;
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (age > tolerance || age < -tolerance)
        {
            return false;
        }

        var prefix = Encoding.UTF8.GetBytes(seconds.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + rawBody.Length];
        prefix.CopyTo(signed, 0);
        rawBody.CopyTo(signed.AsSpan(prefix.Length));
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);

        foreach (var candidate in candidates)
        {
            if (candidate.Length == expected.Length * 2 && TryFromHex(candidate, out var given)
                && CryptographicOperations.FixedTimeEquals(given, expected))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryFromHex(string hex, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
