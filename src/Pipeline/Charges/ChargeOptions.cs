using System.ComponentModel.DataAnnotations;

namespace Payments.Pipeline.Charges;

public sealed class ChargeOptions
{
    public const string Section = "Charges";

    /// <summary>How long a create request waits for the outcome before answering 202 pending.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan AnswerWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a freshly recorded intent is left to the worker it was handed to before the
    /// recovery sweep may take it (a crash between commit and PSP call, a full channel). Its
    /// first call is sent under this lease when enough of it is left to cover the longest call
    /// (<see cref="Psp.PspOptions.LongestCall"/>); otherwise the call is leased afresh from its start.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RecoveryThreshold { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// How long a charge, capture, void or refund is leased from the start of each PSP call (with
    /// retries) it makes; at least <see cref="Psp.PspOptions.LongestCall"/>, checked at start.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan AttemptLease { get; set; } = TimeSpan.FromSeconds(60);

    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How far back a new charge (new key, no <c>order_id</c>) is compared with the merchant's
    /// live charges of the same payment method, amount and currency (<c>Charges__DuplicateWindow</c>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromMinutes(10);

    [Range(1, 100_000)]
    public int SweepBatch { get; set; } = 1_000;

    /// <summary>First wait before resolving an unknown outcome again; doubles up to <see cref="ResolveBackoffMax"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan ResolveBackoff { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ResolveBackoffMax { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Charges accepted by this process and still pending, at most; beyond it new charges are
    /// refused with 503 overloaded (see <see cref="ChargesInProgress"/>). Unset: the PSP calls
    /// the open-files budget allows in flight, since no more can make progress at once.
    /// </summary>
    [Range(1, 10_000_000)]
    public int? MaxInProgress { get; set; }

    /// <summary>
    /// The share of <see cref="MaxInProgress"/> one merchant may hold (at least one charge); its
    /// charges beyond it are refused with 503 overloaded while other merchants' still get in.
    /// 1 lets one merchant take everything.
    /// </summary>
    [Range(0.01, 1.0)]
    public double MaxShareOfInProgress { get; set; } = 0.5;

    /// <summary>
    /// The recent time from acceptance to a final state that new charges are refused above
    /// (503 overloaded): the backlog the service lets build before it sheds load. A PSP that
    /// is slow by nature (more than a few seconds per call) needs it raised.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan AdmissionTarget { get; set; } = TimeSpan.FromSeconds(5);
}
