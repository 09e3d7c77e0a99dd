namespace PspSimulator.Clock;

/// <summary>The simulator clock: ISO time, unix seconds, and how far it runs ahead of real time.</summary>
internal sealed record ClockDto(string Now, long Unix, double OffsetSeconds);
