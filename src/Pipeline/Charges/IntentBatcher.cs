using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Payments.Pipeline.Observability;
using Payments.Pipeline.Storage;

namespace Payments.Pipeline.Charges;

/// <summary>
/// Records intents by group commit (see <see cref="GroupCommitter{TItem, TResult}"/>): the
/// requests that arrive together share one statement and one transaction.
/// </summary>
public sealed class IntentBatcher : BackgroundService
{
    private readonly GroupCommitter<(string ChargeId, string EventId, ChargeIntent Intent), InsertedIntent> _committer;

    public IntentBatcher(ChargeStore store, IOptions<ChargeOptions> options, IOptions<GroupCommitOptions> groupCommit, PaymentsMetrics metrics, ILogger<IntentBatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(groupCommit);
        ArgumentNullException.ThrowIfNull(metrics);
        var lease = options.Value.RecoveryThreshold;
        var duplicateWindow = options.Value.DuplicateWindow;
        var sizes = groupCommit.Value;
        _committer = new(
            "intents", sizes.QueueCapacity, sizes.MaxBatch, sizes.Writers,
            (batch, token) => store.InsertIntentsAsync(batch, lease, duplicateWindow, token), metrics, logger);
    }

    /// <summary>
    /// Records the intent durably. Null when the queue is full (overloaded); the task throws
    /// when the database refused the write (nothing recorded either way).
    /// </summary>
    public Task<InsertedIntent>? TrySubmit(string chargeId, ChargeIntent intent) =>
        _committer.TrySubmit((chargeId, Ids.NewEventId(), intent));

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _committer.RunAsync();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _committer.Complete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }
}
