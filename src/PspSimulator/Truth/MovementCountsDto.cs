namespace PspSimulator.Truth;

/// <summary>How often each kind of movement was carried out for one key or charge id.</summary>
internal sealed class MovementCountsDto
{
    public int Authorize { get; set; }

    public int Capture { get; set; }

    public int Refund { get; set; }

    public int Dispute { get; set; }

    public int DisputeFee { get; set; }

    public int DisputeReversal { get; set; }

    public int Payout { get; set; }

    public int PayoutFailure { get; set; }

    public void Add(MovementKind kind)
    {
        switch (kind)
        {
            case MovementKind.Authorize:
                Authorize++;
                break;
            case MovementKind.Capture:
                Capture++;
                break;
            case MovementKind.Refund:
                Refund++;
                break;
            case MovementKind.Dispute:
                Dispute++;
                break;
            case MovementKind.DisputeFee:
                DisputeFee++;
                break;
            case MovementKind.DisputeReversal:
                DisputeReversal++;
                break;
            case MovementKind.Payout:
                Payout++;
                break;
            case MovementKind.PayoutFailure:
                PayoutFailure++;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown movement kind.");
        }
    }
}
