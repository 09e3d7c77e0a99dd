using System.ComponentModel.DataAnnotations;

namespace Payments.Pipeline.Partitioning;

public sealed class PartitionOptions
{
    public const string Section = "Pipeline";

    /// <summary>How many partitions (bounded channels) the pool has.</summary>
    [Range(1, 1024)]
    public int Partitions { get; set; } = 8;

    /// <summary>Items a partition's channel holds before it refuses more (backpressure).</summary>
    [Range(1, 1_000_000)]
    public int ChannelCapacity { get; set; } = 4_096;

    /// <summary>
    /// Steps one partition runs at once. With PSP calls of 1–3 s, the seed's 5,000 charges/s
    /// need about 10,000 in flight in total, so 8 × 2,000 leaves room.
    /// </summary>
    [Range(1, 100_000)]
    public int ConcurrencyPerPartition { get; set; } = 2_000;
}
