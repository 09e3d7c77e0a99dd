using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Payments.Pipeline.Reconciliation;

/// <summary>
/// Reconciles every settlement day the PSP has closed, by itself: each interval it asks the PSP
/// for each day up to today (the database's date) that no run completed, within the look-back,
/// and runs each one whose report exists. A day not closed yet (the PSP's 404) starts no run. Several instances
/// may look at once: one run per date runs at a time, and the others find it busy or done.
/// </summary>
internal sealed class ReconciliationWorker(
    Reconciler reconciler, ReconciliationStore store, ReconciliationMetrics metrics, IOptions<ReconciliationOptions> options, ILogger<ReconciliationWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(settings.Interval);
        try
        {
            // The gauges show the last run from the start, not only after the first interval.
            await metrics.RefreshAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            Log.ReconciliationLookFailed(logger, e);
        }

        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                foreach (var date in await store.DatesToReconcileAsync(settings.LookBackDays, stoppingToken).ConfigureAwait(false))
                {
                    await reconciler.RunIfClosedAsync(date, stoppingToken).ConfigureAwait(false);
                }

                await metrics.RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                Log.ReconciliationLookFailed(logger, e);
            }
        }
    }
}
