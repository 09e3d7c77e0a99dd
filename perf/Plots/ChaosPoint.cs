namespace Payments.Plots;

/// <summary>
/// One chaos schedule: its seed and index in the run, the seconds the system took to converge
/// after the faults stopped (not finite when it never did), whether an invariant was violated,
/// and the faults it injected, as the chaos runner names them.
/// </summary>
public sealed record ChaosPoint(long Seed, int Index, double ConvergeSeconds, bool Violation, string Faults);
