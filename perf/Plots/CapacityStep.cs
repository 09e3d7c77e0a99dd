namespace Payments.Plots;

/// <summary>
/// One step of the capacity profile: the offered rate, the accepted charges per second, whether
/// the step passed, and each component's CPU milliseconds per accepted charge.
/// </summary>
public sealed record CapacityStep(int Offered, double Accepted, bool Passed, IReadOnlyDictionary<string, double> CpuMsPerCharge);
