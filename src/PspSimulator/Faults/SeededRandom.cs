namespace PspSimulator.Faults;

/// <summary>
/// Fault decisions as a pure function of (seed, sequence number, stream): reproducible for the same
/// order of requests, and free of the lock a shared <see cref="Random"/> would need on the hot path.
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

    /// <summary>A uniform number in [0, 1).</summary>
    public static double Unit(int seed, long sequence, int stream)
    {
        var x = unchecked(((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)sequence * 0xD1B54A32D192ED03UL) ^ ((ulong)stream * 0x8CB92BA72F3D8DD7UL));
        return (Mix(x) >> 11) * (1.0 / (1UL << 53));
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
