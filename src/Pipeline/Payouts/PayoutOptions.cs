using System.ComponentModel.DataAnnotations;

namespace Payments.Pipeline.Payouts;

/// <summary>Payouts' settings (section <c>Payouts</c>); leases, backoff and the answer's wait are the charges'.</summary>
public sealed class PayoutOptions
{
    public const string Section = "Payouts";

    /// <summary>How often a payout the PSP is still carrying (pending, in transit) is read, besides its events.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Payouts the sweep drives at once.</summary>
    [Range(1, 1_000)]
    public int Concurrency { get; set; } = 16;
}
