using BenchmarkDotNet.Attributes;
using Payments.Pipeline.Charges;
using Payments.Pipeline.Partitioning;

namespace Payments.Benchmarks.Pipeline;

/// <summary>Routing a charge id to its partition: FNV-1a over the id, once per step of every charge.</summary>
[MemoryDiagnoser]
public class PartitionRouterBenchmarks
{
    private readonly string _chargeId = Ids.NewChargeId();

    [Params(8, 64)]
    public int Partitions { get; set; }

    [Benchmark]
    public int PartitionOf() => PartitionRouter.PartitionOf(_chargeId, Partitions);
}
