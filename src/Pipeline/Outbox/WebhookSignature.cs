using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Payments.Pipeline.Outbox;

/// <summary>
/// <c>Payments-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "&lt;t&gt;.&lt;body&gt;"&gt;</c>, keyed
/// with the UTF-8 bytes of the endpoint's whole secret (<c>whsec_…</c> included). The time is
/// signed too, so a receiver can refuse old replays.
/// </summary>
internal static class WebhookSignature
{
    public const string Header = "Payments-Signature";

    public static string Compute(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.ASCII.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return string.Create(CultureInfo.InvariantCulture, $"t={unixSeconds},v1={Convert.ToHexStringLower(hmac.GetHashAndReset())}");
    }
}
