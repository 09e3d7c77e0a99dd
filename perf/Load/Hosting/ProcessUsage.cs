namespace Payments.Load.Hosting;

/// <summary>A watched process at one moment: CPU used so far (with its descendants) and its own resident memory.</summary>
internal readonly record struct ProcessUsage(string Name, double CpuSeconds, double RssMib);
