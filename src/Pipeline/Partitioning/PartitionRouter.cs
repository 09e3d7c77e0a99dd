namespace Payments.Pipeline.Partitioning;

/// <summary>
/// Maps a key to its partition with FNV-1a over the key's UTF-16 code units. Stable across
/// processes and restarts (unlike <see cref="string.GetHashCode()"/>, which is randomized per
/// process), so every instance and every restart agrees on where a charge's steps run.
/// </summary>
public static class PartitionRouter
{
    private const uint OffsetBasis = 2_166_136_261;
    private const uint Prime = 16_777_619;

    public static int PartitionOf(string key, int partitionCount)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        var hash = OffsetBasis;
        foreach (var c in key)
        {
            hash = (hash ^ (byte)c) * Prime;
            hash = (hash ^ (byte)(c >> 8)) * Prime;
        }

        return (int)(hash % (uint)partitionCount);
    }
}
