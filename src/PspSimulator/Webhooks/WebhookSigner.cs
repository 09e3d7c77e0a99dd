using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PspSimulator.Webhooks;

/// <summary>
/// <c>Stripe-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "&lt;t&gt;.&lt;raw body&gt;"&gt;</c>,
/// one <c>v1</c> per secret, as the contract defines it.
/// </summary>
internal static class WebhookSigner
{
    public static string Header(ReadOnlySpan<byte> body, long timestamp, IReadOnlyList<string> secrets)
    {
        var t = timestamp.ToString(CultureInfo.InvariantCulture);
        var prefix = Encoding.UTF8.GetBytes(t + ".");
        var payload = new byte[prefix.Length + body.Length];
        prefix.CopyTo(payload, 0);
        body.CopyTo(payload.AsSpan(prefix.Length));

        var header = new StringBuilder("t=").Append(t);
        foreach (var secret in secrets)
        {
            var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload);
            header.Append(",v1=").Append(Convert.ToHexStringLower(mac));
        }

        return header.ToString();
    }
}
