using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Payments.Pipeline.Observability;
using Payments.Pipeline.Storage;

namespace Payments.Pipeline.PspWebhooks;

/// <summary>
/// Records PSP webhook event ids by group commit: at the seed's peak the PSP sends about one
/// webhook per charge, and a commit of its own for each would cost as much as the charge.
/// A webhook is acknowledged only after its row committed.
/// </summary>
public sealed class PspWebhookRecorder : BackgroundService
{
    private readonly GroupCommitter<PspEventRecord, bool> _committer;

    public PspWebhookRecorder(PspWebhookStore store, IOptions<GroupCommitOptions> options, PaymentsMetrics metrics, ILogger<PspWebhookRecorder> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        var settings = options.Value;
        _committer = new("psp_webhooks", settings.QueueCapacity, settings.MaxBatch, 1, store.RecordAsync, metrics, logger);
    }

    /// <summary>
    /// True when the event id is new (and, with a follow-up charge, that charge's
    /// follow-up is durable); null when the queue is full (answer 503 so the PSP retries).
    /// </summary>
    public Task<bool>? TryRecord(PspEventRecord record) => _committer.TrySubmit(record);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _committer.RunAsync();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _committer.Complete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }
}
