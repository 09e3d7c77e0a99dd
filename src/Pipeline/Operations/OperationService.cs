using Microsoft.Extensions.Options;
using Payments.Pipeline.Charges;
using Payments.Pipeline.Partitioning;

namespace Payments.Pipeline.Operations;

/// <summary>
/// Captures, voids and refunds as the ingress sees them: the command goes to the charge's
/// partition and the request waits a bounded time for its answer. If the step has not even
/// started by then, it is cancelled and the answer is 503 (nothing recorded, retry with the
/// key); if it started, the request answers 202 with the object as recorded.
/// </summary>
public sealed class OperationService(PartitionedWorkerPool<WorkItem> pool, OperationStore operations, ChargeStore charges, IOptions<ChargeOptions> options)
{
    private static readonly TimeSpan RecordPatience = TimeSpan.FromSeconds(30);

    private readonly ChargeOptions _options = options.Value;

    public async Task<OperationAnswer> RunAsync(ChargeCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!pool.TryEnqueue(new WorkItem(command.ChargeId, WorkKind.Command, command)))
        {
            return new OperationAnswer.Overloaded();
        }

        try
        {
            return await command.Answer.Task.WaitAsync(_options.AnswerWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            if (command.TryCancel())
            {
                return new OperationAnswer.Overloaded();
            }
        }

        await command.Recorded.Task.WaitAsync(RecordPatience, cancellationToken).ConfigureAwait(false);
        if (command.Answer.Task.IsCompletedSuccessfully)
        {
            return command.Answer.Task.Result;
        }

        return await PendingAnswerAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private async Task<OperationAnswer> PendingAnswerAsync(ChargeCommand command, CancellationToken cancellationToken)
    {
        if (command is RefundCommand)
        {
            var refund = await operations.FindRefundByKeyAsync(command.MerchantId, command.IdempotencyKey, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("A recorded refund was not found by its key.");
            return new OperationAnswer.Done(refund.Json, refund.Status != "pending", Replayed: false);
        }

        var (_, json) = await charges.FindJsonAsync(command.MerchantId, command.ChargeId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("A charge with a recorded operation was not found.");
        return new OperationAnswer.Done(json, IsFinal: false, Replayed: false);
    }
}
