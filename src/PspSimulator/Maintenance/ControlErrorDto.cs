namespace PspSimulator.Maintenance;

/// <summary>A refused <c>/_sim/</c> call: what was wrong.</summary>
internal sealed record ControlErrorDto(string Error, IReadOnlyList<string> Details);
