using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PspSimulator.Tests.Webhooks;

/// <summary>The receiver's side of the contract: parse <c>Stripe-Signature</c> and check it, written from the contract alone.</summary>
public static class StripeSignature
{
    public static (long Timestamp, IReadOnlyList<string> Signatures) Parse(string header)
    {
        long timestamp = 0;
        var signatures = new List<string>();
        foreach (var part in header.Split(','))
        {
            var pair = part.Split('=', 2);
            if (pair[0] == "t")
            {
                timestamp = long.Parse(pair[1], CultureInfo.InvariantCulture);
            }
            else if (pair[0] == "v1")
            {
                signatures.Add(pair[1]);
            }
        }

        return (timestamp, signatures);
    }

    public static string Expected(string secret, long timestamp, byte[] body)
    {
        var payload = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".").Concat(body).ToArray();
        return Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload)).ToLowerInvariant();
    }

    public static bool Verify(string header, byte[] body, string secret, DateTimeOffset now)
    {
        var (timestamp, signatures) = Parse(header);
        var expected = Expected(secret, timestamp, body);
        return Math.Abs(now.ToUnixTimeSeconds() - timestamp) <= 300 && signatures.Contains(expected);
    }
}
