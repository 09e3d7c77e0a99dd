using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Payments.Ingress.Validation;

/// <summary>
/// The hash an idempotency key is bound to: SHA-256 over the method, the path and a
/// canonical body (keys in a fixed order, defaults applied), so the same request sent with
/// other whitespace or key order is the same request, and the same key on another path is not.
/// </summary>
internal static class RequestHash
{
    public static byte[] Of(string method, string path, Action<Utf8JsonWriter> writeCanonicalBody)
    {
        ArgumentNullException.ThrowIfNull(writeCanonicalBody);
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write(System.Text.Encoding.UTF8.GetBytes($"{method} {path}\n"));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeCanonicalBody(writer);
            writer.WriteEndObject();
        }

        return SHA256.HashData(buffer.WrittenSpan);
    }
}
