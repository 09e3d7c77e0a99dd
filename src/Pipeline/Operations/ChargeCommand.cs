namespace Payments.Pipeline.Operations;

/// <summary>
/// A merchant's operation on a charge, run inside the charge's partition so that it is
/// serialized with every other step of that charge. The requester waits on
/// <see cref="Answer"/>; if it gives up before the step started, <see cref="TryCancel"/>
/// guarantees the step never runs (so "nothing recorded" is true).
/// </summary>
public abstract record ChargeCommand(string MerchantId, string ChargeId, string IdempotencyKey, byte[] RequestHash)
{
    private const int Queued = 0;
    private const int Started = 1;
    private const int Cancelled = 2;

    private int _state;

    public TaskCompletionSource<OperationAnswer> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set once the operation's row is durable (or the command was refused without one).</summary>
    public TaskCompletionSource Recorded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool TryStart() => Interlocked.CompareExchange(ref _state, Started, Queued) == Queued;

    public bool TryCancel() => Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued;

    public void Finish(OperationAnswer answer)
    {
        Recorded.TrySetResult();
        Answer.TrySetResult(answer);
    }
}

public sealed record CaptureCommand(string MerchantId, string ChargeId, string IdempotencyKey, byte[] RequestHash, long? Amount)
    : ChargeCommand(MerchantId, ChargeId, IdempotencyKey, RequestHash);

public sealed record VoidCommand(string MerchantId, string ChargeId, string IdempotencyKey, byte[] RequestHash)
    : ChargeCommand(MerchantId, ChargeId, IdempotencyKey, RequestHash);

public sealed record RefundCommand(string MerchantId, string ChargeId, string IdempotencyKey, byte[] RequestHash, long? Amount, string? Reason)
    : ChargeCommand(MerchantId, ChargeId, IdempotencyKey, RequestHash);
