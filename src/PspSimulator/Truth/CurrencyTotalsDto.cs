namespace PspSimulator.Truth;

/// <summary>Sums of movements in one currency, in minor units.</summary>
internal sealed class CurrencyTotalsDto
{
    public long Authorized { get; set; }

    public long Captured { get; set; }

    public long Refunded { get; set; }
}
