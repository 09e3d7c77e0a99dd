namespace PspSimulator.Protocol;

/// <summary>
/// Initial size of the stores that get one entry per request. A concurrent dictionary that grows
/// re-creates every node it holds, and under load each of those copies survives into an older
/// generation; starting at 64 Ki entries (half a megabyte of buckets) skips the first sixteen growths.
/// </summary>
internal static class StoreSizing
{
    public const int InitialCapacity = 1 << 16;

    public static int ConcurrencyLevel => Environment.ProcessorCount;
}
