using System.ComponentModel.DataAnnotations;

namespace Payments.Pipeline.Reconciliation;

/// <summary>The reconciler's own schedule.</summary>
internal sealed class ReconciliationOptions
{
    public const string Section = "Reconciliation";

    /// <summary>Looks for closed settlement days not yet reconciled. Off, days are reconciled only on request.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often it looks; a day is reconciled within this of the PSP closing it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long after we recorded a capture a report may still name it; later, it is <c>missing_at_psp</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan LateWindow { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How many days back it looks for a day no run completed.</summary>
    [Range(1, 366)]
    public int LookBackDays { get; set; } = 31;
}
