using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Payments.Pipeline.Outbox;

/// <summary>
/// Where merchant webhooks may go: https to a public address. The one rule for both places
/// that apply it: registration (<see cref="Refusal"/>, on the URL as written) and every
/// connection (<see cref="IsPublic"/>, on each address a name resolves to, see
/// <see cref="WebhookConnector"/>), so a name that resolves to a private address later (DNS
/// rebinding) is still never connected to.
/// </summary>
internal static class OutboundAddressPolicy
{
    public const string NotPublic = "Must be a public address: loopback, private, link-local, multicast and other special-use addresses are refused, in any notation.";

    // IPv4 blocks that are not globally reachable (IANA special-purpose registry, RFC 6890),
    // plus documentation ranges: nothing a merchant receives webhooks on.
    private static readonly (uint Prefix, int Bits)[] NotPublicV4 =
    [
        (0x00000000, 8),  // 0.0.0.0/8 "this network", the unspecified address
        (0x0A000000, 8),  // 10/8 private
        (0x64400000, 10), // 100.64/10 carrier-grade NAT
        (0x7F000000, 8),  // 127/8 loopback
        (0xA9FE0000, 16), // 169.254/16 link-local, cloud metadata (169.254.169.254)
        (0xAC100000, 12), // 172.16/12 private
        (0xC0000000, 24), // 192.0.0/24 IETF protocol assignments
        (0xC0000200, 24), // 192.0.2/24 documentation
        (0xC0586300, 24), // 192.88.99/24 6to4 relay anycast
        (0xC0A80000, 16), // 192.168/16 private
        (0xC6120000, 15), // 198.18/15 benchmarking
        (0xC6336400, 24), // 198.51.100/24 documentation
        (0xCB007100, 24), // 203.0.113/24 documentation
        (0xE0000000, 4),  // 224/4 multicast
        (0xF0000000, 4),  // 240/4 reserved, 255.255.255.255 broadcast
    ];

    /// <summary>True for a globally reachable unicast address; IPv6 forms that embed an IPv4 address are judged by it.</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork && written == 4)
        {
            return IsPublicV4(bytes[..4]);
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 && written == 16 && IsPublicV6(bytes);
    }

    /// <summary>
    /// Why a webhook URL cannot be registered, or null. With <paramref name="allowInsecureUrls"/>
    /// (development and tests) http and any address are accepted. A name is not resolved here:
    /// the answer could change before the first delivery, so the check that counts is at connect.
    /// </summary>
    public static string? Refusal(Uri uri, bool allowInsecureUrls)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (allowInsecureUrls)
        {
            return uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp ? null : "Must be an http or https URL.";
        }

        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            return "Must be an https URL.";
        }

        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            // Uri has already turned decimal, hex, octal and short IPv4 forms into dotted quads.
            return IPAddress.TryParse(uri.Host.AsSpan().Trim("[]"), out var literal) && IsPublic(literal) ? null : NotPublic;
        }

        // Digits from other scripts ("１２７", "①②⑦") and fullwidth forms ("ｌｏｃａｌｈｏｓｔ")
        // become ASCII under IDNA mapping with ICU, but not in our invariant-globalization build:
        // refused outright (IDNA 2008 disallows them anyway), so both builds answer the same.
        if (uri.Host.Any(c => c > '\x7f' && (char.GetNumericValue(c) >= 0 || c is >= '\uff00' and <= '\uffef')))
        {
            return NotPublic;
        }

        // The name as it is looked up: IdnHost maps ideographic and fullwidth full stops to "."
        // ("127。0。0。1" is 127.0.0.1 to the resolver), and a final dot changes nothing.
        var host = uri.IdnHost.TrimEnd('.').ToLowerInvariant();
        if (host is "localhost" || host.EndsWith(".localhost", StringComparison.Ordinal))
        {
            return NotPublic;
        }

        // A name whose last label is a number is an IPv4 address in some notation (WHATWG URL
        // rules; getaddrinfo reads it with inet_aton), or nothing at all.
        var last = host[(host.LastIndexOf('.') + 1)..];
        if (IsNumber(last))
        {
            return IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetwork && IsPublic(address) ? null : NotPublic;
        }

        return null;
    }

    private static bool IsNumber(string label) =>
        label.Length > 0 && (label.All(char.IsAsciiDigit)
            || (label.StartsWith("0x", StringComparison.Ordinal) && label[2..].All(char.IsAsciiHexDigit)));

    private static bool IsPublicV4(ReadOnlySpan<byte> bytes)
    {
        var value = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        foreach (var (prefix, bits) in NotPublicV4)
        {
            if ((value & (uint.MaxValue << (32 - bits))) == prefix)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPublicV6(ReadOnlySpan<byte> bytes)
    {
        // ::ffff:a.b.c.d (IPv4-mapped) reaches the IPv4 address itself.
        if (bytes[..10].IndexOfAnyExcept((byte)0) < 0 && bytes[10] == 0xFF && bytes[11] == 0xFF)
        {
            return IsPublicV4(bytes[12..]);
        }

        // 64:ff9b::a.b.c.d (NAT64, well-known prefix) reaches the IPv4 address through a translator.
        if (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xFF && bytes[3] == 0x9B && bytes[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return IsPublicV4(bytes[12..]);
        }

        // 2002:aabb:ccdd::/48 (6to4) reaches a.b.c.d's network.
        if (bytes[0] == 0x20 && bytes[1] == 0x02)
        {
            return IsPublicV4(bytes[2..6]);
        }

        // Only global unicast (2000::/3) is public: this leaves out ::, ::1 and the deprecated
        // IPv4-compatible ::a.b.c.d, unique-local fc00::/7, link-local fe80::/10, multicast
        // ff00::/8, the local NAT64 prefix 64:ff9b:1::/48 and the discard prefix 100::/64.
        if ((bytes[0] & 0xE0) != 0x20)
        {
            return false;
        }

        var first32 = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        return (first32 & 0xFFFFFE00) != 0x20010000 // 2001::/23 IETF protocol assignments (Teredo, ORCHID, benchmarking)
            && first32 != 0x20010DB8 // 2001:db8::/32 documentation
            && (first32 & 0xFFFFF000) != 0x3FFF0000; // 3fff::/20 documentation
    }
}
