using BenchmarkDotNet.Running;
using Payments.Benchmarks;

// Benchmark classes are public and unsealed: BenchmarkDotNet's generated runner derives from them.
// Pick benchmarks with --filter, a job with --job (short for a quick look, default for figures):
//   dotnet run -c Release --project perf/Benchmarks -- --filter '*' --job short
BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly).Run(args, BenchmarkConfig.Create());
