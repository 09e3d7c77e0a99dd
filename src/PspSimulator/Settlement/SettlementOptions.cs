using System.ComponentModel.DataAnnotations;

namespace PspSimulator.Settlement;

/// <summary>Settings of settlement, section <c>Simulator:Settlement</c>.</summary>
internal sealed class SettlementOptions
{
    public const string SectionName = "Simulator:Settlement";

    /// <summary>The percentage part of the fee in basis points (290 = 2.9 %).</summary>
    [Range(0, 10_000)]
    public int FeeBasisPoints { get; set; } = 290;

    /// <summary>The fixed part of the fee in minor units.</summary>
    [Range(0, 1_000_000)]
    public long FeeFixed { get; set; } = 30;

    /// <summary>Close every past day automatically when the simulator clock passes midnight UTC.</summary>
    public bool AutoClose { get; set; } = true;

    /// <summary>
    /// <c>available_on_utc</c> is this many days after the settlement day, at midnight UTC. Negative
    /// only for a run that moves the simulator clock far ahead of real time (the chaos runner turns a
    /// day per schedule): the service decides availability by its own real clock, so money would
    /// otherwise never become available within the run.
    /// </summary>
    [Range(-3650, 30)]
    public int AvailableOnDays { get; set; } = 2;
}
