namespace Payments.Load.Measuring;

/// <summary>One process's CPU over the measured window: seconds, cores busy on average, and share of the machine.</summary>
internal sealed record CpuShare(string Name, double CpuSeconds, double Cores, double PercentOfMachine);
