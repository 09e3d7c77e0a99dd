namespace Payments.Chaos;

/// <summary>What one run of the chaos runner does: which seeds, and its bounds.</summary>
internal sealed record ChaosSettings
{
    /// <summary>The schedules, by seed, run one after another on one stack.</summary>
    public required IReadOnlyList<int> Seeds { get; init; }

    /// <summary>How long the system is given, after the faults stop, to agree with the PSP.</summary>
    public TimeSpan ConvergeBound { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>The simulator's search lag, at the PSP contract's bound by default.</summary>
    public int SearchLagMs { get; init; } = 5_000;

    /// <summary>How many stacks (each its own PostgreSQL, simulator and two instances) run schedules side by side.</summary>
    public int Stacks { get; init; } = 1;

    /// <summary>
    /// Starts the PSP's clock this long before a midnight (UTC), so its day turns inside the first
    /// schedule, as it does when a run crosses midnight; null leaves the PSP's clock at real time.
    /// </summary>
    public TimeSpan? PspStartsBeforeMidnight { get; init; }

    /// <summary>Where the summary, the JSON and the plot go; null writes none.</summary>
    public string? OutputDirectory { get; init; }
}
