using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;

namespace Payments.Benchmarks;

/// <summary>BenchmarkDotNet's defaults plus allocations: on the request path they become GC work at 5,000/s.</summary>
internal static class BenchmarkConfig
{
    public static IConfig Create() => ManualConfig.Create(DefaultConfig.Instance)
        .AddDiagnoser(MemoryDiagnoser.Default);
}
