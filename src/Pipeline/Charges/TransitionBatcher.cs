using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Payments.Pipeline.Observability;
using Payments.Pipeline.Storage;

namespace Payments.Pipeline.Charges;

/// <summary>
/// Commits charge transitions by group commit: at the seed's peak thousands of PSP answers
/// arrive each second, and one commit per answer would be the wall. Each move still commits
/// atomically with its audit row, event and journal; only the transaction is shared.
/// </summary>
public sealed class TransitionBatcher : BackgroundService
{
    private readonly GroupCommitter<(ChargeTransition Transition, string EventId), string?> _committer;

    private readonly ChargesInProgress _inProgress;

    public TransitionBatcher(ChargeStore store, ChargesInProgress inProgress, IOptions<GroupCommitOptions> options, PaymentsMetrics metrics, ILogger<TransitionBatcher> logger)
    {
        _inProgress = inProgress;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        var settings = options.Value;
        _committer = new(
            "transitions", settings.QueueCapacity, settings.MaxBatch, settings.Writers,
            store.ApplyAsync, metrics, logger);
    }

    /// <summary>The charge's JSON after the move, or null when the row changed since it was read.</summary>
    public async Task<string?> ApplyAsync(ChargeTransition transition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transition);

        // Waiting for room rather than failing: this is a worker that already has the PSP's
        // answer in hand, and the answer must be recorded. (It used to poll every 10 ms, which
        // under a full queue cost a tenth of the service's CPU.)
        var json = await _committer.SubmitAsync((transition, Ids.NewEventId()), cancellationToken).ConfigureAwait(false);
        if (json is not null && transition.FromStatus == ChargeStatus.Pending)
        {
            _inProgress.Finished(transition.ChargeId);
        }

        return json;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _committer.RunAsync();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _committer.Complete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }
}
