namespace PspSimulator.Faults;

/// <summary>
/// Fault decisions as a pure function of (seed, draw point, stream), free of the lock a shared
/// <see cref="Random"/> would need on the hot path. The draw point is the request's arrival number
/// under a plan without its own seed (reproducible for the same order of requests), or
/// <see cref="KeyedPoint"/> of what the request is under a plan with one (reproducible whatever the order).
/// </summary>
internal static class SeededRandom
{
    public const int StreamTimeout = 1;
    public const int StreamRateLimit = 2;
    public const int StreamError500Before = 3;
    public const int StreamError500After = 4;
    public const int StreamResetAfter = 5;
    public const int StreamDecline = 6;
    public const int StreamDeclineKind = 7;
    public const int StreamLatency = 8;
    public const int StreamGatewayError = 9;
    public const int StreamTamper = 10;
    public const int StreamWebhookDrop = 11;
    public const int StreamWebhookDuplicate = 12;
    public const int StreamWebhookReorder = 13;
    public const int StreamWebhookDelay = 14;
    public const int StreamWebhookUrl = 15;

    /// <summary>The draw point's "operation" for a webhook event's decisions.</summary>
    public const int WebhookEvent = -1;

    private const ulong FnvOffset = 0xCBF29CE484222325UL;
    private const ulong FnvPrime = 0x100000001B3UL;

    /// <summary>A uniform number in [0, 1).</summary>
    public static double Unit(int seed, long sequence, int stream) => (Bits(seed, sequence, stream) >> 11) * (1.0 / (1UL << 53));

    /// <summary>64 uniform bits.</summary>
    public static ulong Bits(int seed, long sequence, int stream) =>
        Mix(unchecked(((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)sequence * 0xD1B54A32D192ED03UL) ^ ((ulong)stream * 0x8CB92BA72F3D8DD7UL)));

    /// <summary>
    /// The draw point of the <paramref name="n"/>-th request for <paramref name="identity"/> (its
    /// Idempotency-Key, or its path and query) under a keyed plan, or of a webhook event's decisions.
    /// FNV-1a over the UTF-16 code units, then SplitMix64: stable across processes and machines, which
    /// <see cref="string.GetHashCode()"/> (randomized per process) is not.
    /// </summary>
    public static long KeyedPoint(int operation, string identity, long n)
    {
        var hash = FnvOffset;
        unchecked
        {
            foreach (var c in identity)
            {
                hash = (hash ^ (byte)c) * FnvPrime;
                hash = (hash ^ (byte)(c >> 8)) * FnvPrime;
            }

            hash = Mix(hash ^ ((ulong)(uint)operation * 0xA24BAED4963EE407UL));
            return (long)Mix(hash ^ ((ulong)n * 0x9FB21C651E98DF25UL));
        }
    }

    /// <summary>A uniform integer in [min, max].</summary>
    public static int Between(int seed, long sequence, int stream, int min, int max) =>
        max <= min ? min : min + (int)(Unit(seed, sequence, stream) * ((long)max - min + 1));

    // SplitMix64's finaliser: every input bit reaches every output bit.
    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
