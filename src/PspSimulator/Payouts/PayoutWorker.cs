using Microsoft.Extensions.Options;

namespace PspSimulator.Payouts;

/// <summary>Moves payouts whose next step is due every <c>Simulator:Payouts:SweepIntervalMs</c> of real time, without any request.</summary>
internal sealed class PayoutWorker(PayoutStore payouts, IOptions<PayoutOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.SweepIntervalMs));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                payouts.SweepDue();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }
}
