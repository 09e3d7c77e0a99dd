using Payments.Pipeline.Psp;

namespace Payments.Pipeline.Operations;

/// <summary>
/// How a capture, void or refund ends, decided in one place and without I/O from what the PSP
/// answered or showed. <see cref="Ends"/> is every (kind, fact) pair that ends a step; any other
/// leaves it open, to be read again. Facts that show a step not done end it only when nothing
/// under its key can still run (<see cref="StepEnd.FailedIfProven"/>).
/// </summary>
internal static class StepLifecycle
{
    public const string IntentSucceeded = "intent_succeeded";
    public const string IntentCanceled = "intent_canceled";
    public const string IntentRequiresCapture = "intent_requires_capture";
    public const string IntentOther = "intent_other";
    public const string RefundSucceeded = "refund_succeeded";
    public const string RefundFailed = "refund_failed";
    public const string RefundPending = "refund_pending";
    public const string NotFound = "not_found";
    public const string Unknown = "unknown";

    public static IReadOnlyList<string> Facts { get; } =
        [IntentSucceeded, IntentCanceled, IntentRequiresCapture, IntentOther, RefundSucceeded, RefundFailed, RefundPending, NotFound, Unknown];

    /// <summary>Every (kind, fact) that ends a step, and how.</summary>
    public static IReadOnlyDictionary<(string Kind, string Fact), StepEnd> Ends { get; } = new Dictionary<(string, string), StepEnd>
    {
        [(OpenStep.Capture, IntentSucceeded)] = StepEnd.Succeeded,
        [(OpenStep.Capture, IntentCanceled)] = StepEnd.OtherWayHappened,
        [(OpenStep.Capture, IntentRequiresCapture)] = StepEnd.FailedIfProven,
        [(OpenStep.Void, IntentCanceled)] = StepEnd.Succeeded,
        [(OpenStep.Void, IntentSucceeded)] = StepEnd.OtherWayHappened,
        [(OpenStep.Void, IntentRequiresCapture)] = StepEnd.FailedIfProven,
        [(OpenStep.Refund, RefundSucceeded)] = StepEnd.Succeeded,
        [(OpenStep.Refund, RefundFailed)] = StepEnd.Failed,
        [(OpenStep.Refund, NotFound)] = StepEnd.FailedIfProven,
    };

    /// <summary>The fact a PSP read or answer is, for a step.</summary>
    public static string FactOf(PspOutcome read) => read switch
    {
        PspOutcome.Completed { Intent.Status: "succeeded" } => IntentSucceeded,
        PspOutcome.Completed { Intent.Status: "canceled" } => IntentCanceled,
        PspOutcome.Completed { Intent.Status: "requires_capture" } => IntentRequiresCapture,
        PspOutcome.Completed => IntentOther,
        PspOutcome.RefundCompleted { Refund.Status: "succeeded" } => RefundSucceeded,
        PspOutcome.RefundCompleted { Refund.Status: "failed" or "canceled" } => RefundFailed,
        PspOutcome.RefundCompleted => RefundPending,
        PspOutcome.NotFound => NotFound,
        _ => Unknown,
    };

    /// <summary>
    /// How the step ends on <paramref name="read"/>, or <see cref="StepEnd.Open"/>;
    /// <paramref name="nothingCanRun"/> when no execution under the step's key can still happen.
    /// </summary>
    public static StepEnd Decide(string kind, PspOutcome read, bool nothingCanRun)
    {
        ArgumentNullException.ThrowIfNull(read);
        return Ends.TryGetValue((kind, FactOf(read)), out var end)
            ? end == StepEnd.FailedIfProven && !nothingCanRun ? StepEnd.Open : end
            : StepEnd.Open;
    }
}

/// <summary>How a step ends.</summary>
public enum StepEnd
{
    /// <summary>Not decided yet: read again later.</summary>
    Open,

    Succeeded,

    /// <summary>The PSP says it did not happen.</summary>
    Failed,

    /// <summary>The other way happened at the PSP (a void after a capture, or the reverse): this step did not; the charge follows the PSP.</summary>
    OtherWayHappened,

    /// <summary>The PSP shows it not done; it failed if nothing under its key can run any more.</summary>
    FailedIfProven,
}
