using System.Buffers;

namespace Payments.Ingress.Validation;

/// <summary>Reads a request body up to a limit; over the limit is null (the caller answers 413).</summary>
internal static class BoundedBody
{
    public const int MerchantApiLimit = 64 * 1024;

    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken = default)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(request.ContentLength is { } length and > 0 ? (int)length : 1024);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await request.Body.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return null;
            }
        }
    }
}
