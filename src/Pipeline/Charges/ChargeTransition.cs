namespace Payments.Pipeline.Charges;

/// <summary>
/// One forward move of a charge, applied only if the row still has <see cref="FromStatus"/>
/// and <see cref="FromVersion"/>. <see cref="CapturedDelta"/> and <see cref="Fee"/> feed the
/// capture's ledger journal (none when the delta is zero).
/// </summary>
public sealed record ChargeTransition(
    string ChargeId,
    string FromStatus,
    int FromVersion,
    string ToStatus,
    string? PspReference,
    long AmountAuthorized,
    long AmountCaptured,
    string? FailureCode,
    string? FailureMessage,
    string Actor,
    string Reason,
    long CapturedDelta,
    long Fee,
    string? CancellationReason = null);
