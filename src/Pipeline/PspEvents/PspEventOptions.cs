using System.ComponentModel.DataAnnotations;

namespace Payments.Pipeline.PspEvents;

/// <summary>Reading the PSP's event log (<c>GET /v1/events</c>) as well as its webhooks.</summary>
internal sealed class PspEventOptions
{
    public const string Section = "PspEvents";

    /// <summary>Runs the reader. Off, only webhooks bring changes made at the PSP.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Time between reads. The contract promises a change made at the PSP reaches the charge within
    /// 60 s with every webhook lost; a read plus the follow-up it asks for take well under that.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How far before the newest event already handled each read starts again: the PSP stamps events
    /// in whole seconds and may list one of an older second after a newer one. Re-read events are
    /// recognised by id and cost no write.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Overlap { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one instance holds the right to read; renewed at each read and after each page of it, taken over by another instance once it lapses.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Events per page (the PSP allows at most 100).</summary>
    [Range(1, 100)]
    public int PageSize { get; set; } = 100;
}
