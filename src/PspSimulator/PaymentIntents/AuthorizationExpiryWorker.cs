using Microsoft.Extensions.Options;

namespace PspSimulator.PaymentIntents;

/// <summary>Cancels expired authorizations every <c>ExpirySweepIntervalMs</c> of real time, without any request.</summary>
internal sealed class AuthorizationExpiryWorker(
    PaymentIntentStore intents,
    IOptions<SimulatorOptions> options,
    ILogger<AuthorizationExpiryWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.ExpirySweepIntervalMs));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var canceled = intents.SweepExpired();
                if (canceled > 0)
                {
                    Log.AuthorizationsExpired(logger, canceled);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }
}
