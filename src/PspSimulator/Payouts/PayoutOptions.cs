using System.ComponentModel.DataAnnotations;

namespace PspSimulator.Payouts;

/// <summary>
/// Settings of payouts, section <c>Simulator:Payouts</c>. The times are by the simulator clock, in whole
/// seconds as <c>created</c> and <c>arrival_date</c> are (a fraction is dropped). They default to seconds,
/// not days, so that a test sees a payout paid without advancing the clock; a run that wants a real
/// PSP's days sets them.
/// </summary>
internal sealed class PayoutOptions : IValidatableObject
{
    public const string SectionName = "Simulator:Payouts";

    /// <summary>A payout leaves <c>pending</c> for <c>in_transit</c> (or fails, for <c>ba_closed</c>) this long after it is created.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan InTransitAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary><c>arrival_date</c> = created + this; the payout is <c>paid</c> then.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan ArrivalAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A <c>ba_returned</c> payout fails (<c>could_not_process</c>) this long after its arrival date; the contract allows up to 5 days.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "5.00:00:00")]
    public TimeSpan ReturnAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often (real time) payouts whose next step is due are moved without any request.</summary>
    [Range(50, 3_600_000)]
    public int SweepIntervalMs { get; set; } = 250;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (InTransitAfter > ArrivalAfter)
        {
            yield return new ValidationResult(
                SectionName + ":InTransitAfter must not be later than " + SectionName + ":ArrivalAfter.",
                [nameof(InTransitAfter), nameof(ArrivalAfter)]);
        }
    }
}
