using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Payments.Pipeline.Observability;
using Payments.Pipeline.Operations;
using Payments.Pipeline.Partitioning;

namespace Payments.Pipeline.Charges;

/// <summary>
/// Invariant 2's other half: a charge left pending (a crash between commit and PSP call, a
/// full partition, an unknown outcome waiting for its next look, an open circuit) is put
/// back through its partition when its next attempt is due, at start and then periodically.
/// Open captures, voids and refunds are swept the same way, through their charge, and so are
/// the follow-ups that verified PSP webhooks asked for, whatever the charge's status.
/// </summary>
internal sealed class RecoverySweepWorker(
    ChargeStore store,
    OperationStore operations,
    PartitionedWorkerPool<WorkItem> pool,
    ChargeMetrics metrics,
    ChargesInProgress inProgress,
    IOptions<ChargeOptions> options,
    ILogger<RecoverySweepWorker> logger) : BackgroundService
{
    private readonly ChargeOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SweepInterval);
        do
        {
            try
            {
                await ForgetFinishedElsewhereAsync(stoppingToken).ConfigureAwait(false);
                await SweepOnceAsync(stoppingToken).ConfigureAwait(false);
                await metrics.RefreshPendingAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (NpgsqlException e)
            {
                // The database is away for a moment; the next tick tries again.
                Log.SweepFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Charges this process accepted that another instance finished never reach its transitions:
    /// those still counted long after acceptance are looked up, and only the finished ones are let
    /// go. One still pending keeps counting, however old: that backlog is what admission must see.
    /// </summary>
    private async Task ForgetFinishedElsewhereAsync(CancellationToken cancellationToken)
    {
        var stale = inProgress.Stale();
        if (stale.Count > 0)
        {
            inProgress.Forget(await store.FinishedAmongAsync(stale, cancellationToken).ConfigureAwait(false));
        }
    }

    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken = default)
    {
        var total = 0;
        foreach (var chargeId in (await operations.ClaimDueAsync(_options.SweepBatch, _options.AttemptLease, cancellationToken).ConfigureAwait(false)).Distinct(StringComparer.Ordinal))
        {
            total += pool.TryEnqueue(new WorkItem(chargeId, WorkKind.Advance)) ? 1 : 0;
        }

        // Follow-ups before new work: a change made at the PSP waits for nothing but room. One the
        // pool refuses is due again at the next sweep, not a whole lease later.
        foreach (var chargeId in await store.ClaimDueFollowUpsAsync(_options.SweepBatch, _options.AttemptLease, cancellationToken).ConfigureAwait(false))
        {
            if (pool.TryEnqueue(new WorkItem(chargeId, WorkKind.Refresh)))
            {
                total++;
            }
            else
            {
                await store.DelayFollowUpAsync(chargeId, _options.SweepInterval, cancellationToken).ConfigureAwait(false);
            }
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var claimed = await store.ClaimDueAsync(_options.SweepBatch, _options.AttemptLease, cancellationToken).ConfigureAwait(false);
            var refused = 0;
            foreach (var chargeId in claimed)
            {
                // A refused item keeps its lease and comes due again; nothing is lost.
                if (!pool.TryEnqueue(new WorkItem(chargeId, WorkKind.Advance)))
                {
                    refused++;
                }
            }

            total += claimed.Count - refused;
            if (claimed.Count < _options.SweepBatch || refused > 0)
            {
                break;
            }
        }

        if (total > 0)
        {
            Log.SweepResumed(logger, total);
        }

        return total;
    }
}
