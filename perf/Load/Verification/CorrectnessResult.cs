namespace Payments.Load.Verification;

/// <summary>
/// The run checked against the service and the PSP's ground truth. Null figures were not
/// measured (no simulator URL given).
/// </summary>
internal sealed record CorrectnessResult(
    long AcceptedByRunner,
    long RunChargesAtService,
    long Lost,
    long ReplayMismatches,
    SortedDictionary<string, long> StatusCounts,
    long PendingAtBound,
    double? PendingCheckedAtSeconds,
    long PendingAtEnd,
    double? SecondsToAllFinal,
    bool AllFinalWithinBound,
    long OurCaptured,
    long? PspCaptured,
    long? ChargesWithCapturedMismatch,
    long? DoubleCharges,
    long? DoubleChargesWholeTruth,
    long? PspMovementsForUnknownRunCharges)
{
    public bool TruthChecked => PspCaptured is not null;

    public bool Passed =>
        Lost == 0 && ReplayMismatches == 0 && AllFinalWithinBound && PendingAtEnd == 0
        && (!TruthChecked || (DoubleCharges == 0 && PspCaptured == OurCaptured && ChargesWithCapturedMismatch == 0));
}
