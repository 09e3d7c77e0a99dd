using Microsoft.Extensions.Options;

namespace PspSimulator.Maintenance;

/// <summary>Runs the pruner every <c>PruneIntervalMs</c> of real time.</summary>
internal sealed class PruningWorker(Pruner pruner, IOptions<SimulatorOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.PruneIntervalMs));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                pruner.Prune();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }
}
