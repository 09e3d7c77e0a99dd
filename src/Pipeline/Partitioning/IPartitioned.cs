namespace Payments.Pipeline.Partitioning;

/// <summary>An item of a <see cref="PartitionedWorkerPool{TItem}"/>: items of one key run one at a time, in arrival order.</summary>
public interface IPartitioned
{
    string PartitionKey { get; }

    /// <summary>What the item is, for the log when it fails.</summary>
    string Description { get; }
}
