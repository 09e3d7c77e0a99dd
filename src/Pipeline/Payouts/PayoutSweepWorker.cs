using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Payments.Pipeline.Charges;

namespace Payments.Pipeline.Payouts;

/// <summary>
/// Invariant 2 for payouts: a payout left pending (a crash between its commit and its first call,
/// an unknown outcome waiting for its next look, a payout the PSP is still carrying) is claimed
/// when its next look is due and taken one step further. Claims are leases in the database, so
/// any number of instances sweep together without driving one payout twice at once.
/// </summary>
internal sealed class PayoutSweepWorker(
    PayoutStore store,
    PayoutProcessor processor,
    PayoutMetrics metrics,
    IOptions<ChargeOptions> chargeOptions,
    IOptions<PayoutOptions> payoutOptions,
    TimeProvider clock,
    ILogger<PayoutSweepWorker> logger) : BackgroundService
{
    private static readonly TimeSpan OwedRefreshEvery = TimeSpan.FromSeconds(15);

    private readonly ChargeOptions _options = chargeOptions.Value;
    private readonly PayoutOptions _payouts = payoutOptions.Value;
    private DateTimeOffset _owedRefreshedAt = DateTimeOffset.MinValue;
    private bool _owedSeen;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SweepInterval);
        do
        {
            try
            {
                await SweepOnceAsync(stoppingToken).ConfigureAwait(false);
                // Until anything is owed the read is trivial, so it runs every tick and the series appear with the first capture.
                if (!_owedSeen || clock.GetUtcNow() - _owedRefreshedAt >= OwedRefreshEvery)
                {
                    _owedSeen = await metrics.RefreshOwedAsync(stoppingToken).ConfigureAwait(false);
                    _owedRefreshedAt = clock.GetUtcNow();
                }
            }
            catch (NpgsqlException e)
            {
                Log.PayoutSweepFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken = default)
    {
        var due = await store.ClaimDueAsync(_options.SweepBatch, _options.AttemptLease, cancellationToken).ConfigureAwait(false);
        await Parallel.ForEachAsync(
            due,
            new ParallelOptions { MaxDegreeOfParallelism = _payouts.Concurrency, CancellationToken = cancellationToken },
            async (payout, token) =>
            {
                try
                {
                    await processor.AdvanceAsync(payout, token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Leased: it comes back when the lease ends.
                    Log.PayoutStepFailed(logger, payout.Id, e);
                }
            }).ConfigureAwait(false);
        return due.Count;
    }
}
