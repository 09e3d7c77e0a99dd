namespace PspSimulator.Truth;

/// <summary>Sums of movements in one currency, in minor units.</summary>
internal sealed class CurrencyTotalsDto
{
    public long Authorized { get; set; }

    public long Captured { get; set; }

    public long Refunded { get; set; }

    /// <summary>Taken by disputes when they opened.</summary>
    public long Disputed { get; set; }

    /// <summary>Dispute fees taken (never given back).</summary>
    public long DisputeFees { get; set; }

    /// <summary>Given back by disputes closed won.</summary>
    public long DisputeReversed { get; set; }

    /// <summary>Taken by payouts when they were created.</summary>
    public long PaidOut { get; set; }

    /// <summary>Given back by payouts that failed (before paid or returned after).</summary>
    public long PayoutFailures { get; set; }

    public void Add(MovementKind kind, long amount)
    {
        switch (kind)
        {
            case MovementKind.Authorize:
                Authorized += amount;
                break;
            case MovementKind.Capture:
                Captured += amount;
                break;
            case MovementKind.Refund:
                Refunded += amount;
                break;
            case MovementKind.Dispute:
                Disputed += amount;
                break;
            case MovementKind.DisputeFee:
                DisputeFees += amount;
                break;
            case MovementKind.DisputeReversal:
                DisputeReversed += amount;
                break;
            case MovementKind.Payout:
                PaidOut += amount;
                break;
            case MovementKind.PayoutFailure:
                PayoutFailures += amount;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown movement kind.");
        }
    }
}
