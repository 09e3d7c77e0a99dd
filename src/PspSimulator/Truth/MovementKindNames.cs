namespace PspSimulator.Truth;

/// <summary>The names of movement kinds in the ground truth.</summary>
internal static class MovementKindNames
{
    public static string Of(MovementKind kind) => kind switch
    {
        MovementKind.Authorize => "authorize",
        MovementKind.Capture => "capture",
        MovementKind.Refund => "refund",
        MovementKind.Dispute => "dispute",
        MovementKind.DisputeFee => "dispute_fee",
        MovementKind.DisputeReversal => "dispute_reversal",
        MovementKind.Payout => "payout",
        MovementKind.PayoutFailure => "payout_failure",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown movement kind."),
    };
}
