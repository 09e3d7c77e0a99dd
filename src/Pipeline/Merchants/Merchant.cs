namespace Payments.Pipeline.Merchants;

/// <summary>A merchant as the pipeline needs it: who it is and what the platform keeps of each capture.</summary>
public sealed record Merchant(string Id, string Name, int FeeBasisPoints, long FeeFixed)
{
    /// <summary>
    /// The platform's fee on <paramref name="amount"/> minor units: basis points rounded
    /// half up, plus the fixed part, never more than the amount itself.
    /// </summary>
    public long FeeFor(long amount)
    {
        var proportional = checked((amount * FeeBasisPoints) + 5_000) / 10_000;
        return Math.Min(amount, proportional + FeeFixed);
    }
}
