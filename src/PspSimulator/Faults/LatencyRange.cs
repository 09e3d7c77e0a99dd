namespace PspSimulator.Faults;

/// <summary>A range of milliseconds, both ends included: <c>{ "min": 1000, "max": 3000 }</c>.</summary>
internal sealed class LatencyRange
{
    public int Min { get; set; }

    public int Max { get; set; }
}
