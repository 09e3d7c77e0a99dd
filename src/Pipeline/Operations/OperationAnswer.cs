namespace Payments.Pipeline.Operations;

/// <summary>What a capture, void or refund request comes to, for the ingress to render.</summary>
public abstract record OperationAnswer
{
    private OperationAnswer()
    {
    }

    /// <summary>The object (a charge for capture and void, a refund for refunds) and whether the PSP's answer is in.</summary>
    public sealed record Done(string Json, bool IsFinal, bool Replayed) : OperationAnswer;

    public sealed record NotFound : OperationAnswer;

    public sealed record KeyReused : OperationAnswer;

    public sealed record InvalidState(string Detail) : OperationAnswer;

    public sealed record AmountExceedsCapturable(long Capturable) : OperationAnswer;

    public sealed record RefundExceedsCaptured(long Refundable) : OperationAnswer;

    /// <summary>A capture that would bring in less than the charge's splits plus the platform's fee on it; nothing was recorded or sent.</summary>
    public sealed record AmountBelowSplits(long Splits, long Fee) : OperationAnswer;

    /// <summary>A refund of a charge whose dispute is open; nothing was recorded or sent.</summary>
    public sealed record ChargeDisputed : OperationAnswer;

    /// <summary>A previous PSP step of the charge is still unknown; nothing was sent.</summary>
    public sealed record InProgress(TimeSpan RetryAfter) : OperationAnswer;

    public sealed record Overloaded : OperationAnswer;
}
