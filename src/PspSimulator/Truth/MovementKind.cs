namespace PspSimulator.Truth;

/// <summary>Money movements the simulator carries out.</summary>
internal enum MovementKind
{
    Authorize,
    Capture,
    Refund,

    /// <summary>The disputed amount, taken from the balance when a dispute opens.</summary>
    Dispute,

    /// <summary>The dispute fee, taken when a dispute opens and never given back.</summary>
    DisputeFee,

    /// <summary>The disputed amount given back when a dispute closes won.</summary>
    DisputeReversal,

    /// <summary>A payout's amount, taken from the balance when the payout is created.</summary>
    Payout,

    /// <summary>A payout's amount given back when it fails (before paid, or returned after).</summary>
    PayoutFailure,
}
