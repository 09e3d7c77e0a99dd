namespace Payments.Chaos.Schedules;

/// <summary>Every money movement the product has, as the merchant, the PSP's dashboard or a cardholder's bank makes it.</summary>
internal enum StepKind
{
    Charge,
    Capture,
    Void,
    Refund,
    RetrySameKey,
    ConcurrentDuplicates,
    FreshKeyRetryWithOrderId,
    Dispute,
    PspCapture,
    PspRefund,
    PspCancel,
    Payout,
}

/// <summary>
/// One step. <see cref="Target"/> picks an earlier charge of the schedule (modulo how many were
/// made), <see cref="Instance"/> the service instance asked first.
/// </summary>
internal sealed record WorkloadStep(
    int Index,
    StepKind Kind,
    int Instance,
    int Target,
    long Amount,
    bool Capture,
    string PaymentMethod,
    int SplitSellers,
    bool RespondAsync,
    bool WithOrderId,
    int Copies,
    string Outcome);
