using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Payments.Pipeline.Observability;

namespace Payments.Pipeline.Outbox;

/// <summary>
/// Measures what an operator must see before a stalled slot fills the disk: replication lag
/// (bytes and seconds), the WAL the slot retains and its <c>wal_status</c>, and the delivery
/// backlog. Exported as gauges and written as one log line per interval, on every instance
/// (the figures come from the database, so followers report the leader's progress too).
/// </summary>
internal sealed class OutboxMonitor : BackgroundService
{
    private readonly OutboxOptions _options;
    private readonly ReplicationSlotStore _slots;
    private readonly WebhookDeliveryStore _deliveries;
    private readonly TimeProvider _clock;
    private readonly ILogger<OutboxMonitor> _logger;
    private volatile SlotLag? _lag;
    private volatile DeliveryBacklog? _backlog;
    private bool _slotMissing;

    public OutboxMonitor(
        IOptions<OutboxOptions> options,
        ReplicationSlotStore slots,
        WebhookDeliveryStore deliveries,
        TimeProvider clock,
        PaymentsMetrics metrics,
        ILogger<OutboxMonitor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _options = options.Value;
        _slots = slots;
        _deliveries = deliveries;
        _clock = clock;
        _logger = logger;
        metrics.Gauge("payments_outbox_replication_lag_bytes", "WAL written since the slot's confirmed position.", () => _lag?.LagBytes ?? 0);
        metrics.Gauge("payments_outbox_replication_lag_seconds",
            "How far behind the publisher is: the walsender's flush lag while streaming, else the age of the last hand-off while WAL waits.",
            () => _lag?.LagSeconds ?? 0);
        metrics.Gauge("payments_outbox_retained_wal_bytes", "WAL the slot keeps from being recycled.", () => _lag?.RetainedBytes ?? 0);
        metrics.Gauge("payments_outbox_slot_active", "1 while some instance streams the slot.", () => _lag is { Active: true } ? 1 : 0);
        metrics.Gauge("payments_webhooks_deliveries_pending", "Webhook deliveries waiting or being attempted.", () => _backlog?.Pending ?? 0);
        metrics.Gauge("payments_webhooks_deliveries_failed", "Webhook deliveries parked after their last attempt, waiting for a redelivery.",
            () => _backlog?.Failed ?? 0);
        metrics.Gauge("payments_webhooks_oldest_pending_seconds", "Age of the oldest webhook delivery still waiting.",
            () => _backlog?.OldestPendingSeconds ?? 0);
    }

    /// <summary>The latest figures; null until measured once.</summary>
    public SlotLag? Lag => _lag;

    public DeliveryBacklog? Backlog => _backlog;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.MonitorInterval, _clock);
        do
        {
            try
            {
                await MeasureAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (NpgsqlException e) when (!stoppingToken.IsCancellationRequested)
            {
                Log.MonitorFailed(_logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public async Task MeasureAsync(CancellationToken cancellationToken = default)
    {
        var lag = await _slots.ReadLagAsync(_options.SlotName, cancellationToken).ConfigureAwait(false);
        var backlog = await _deliveries.ReadBacklogAsync(cancellationToken).ConfigureAwait(false);
        _lag = lag;
        _backlog = backlog;
        if (lag is null)
        {
            // The publisher creates the slot while the service starts; missing twice in a row
            // (a publisher that cannot create it, or a slot dropped by hand) is worth a warning.
            if (_options.Enabled && _slotMissing)
            {
                Log.SlotMissing(_logger, _options.SlotName, backlog.Pending, backlog.Failed);
            }

            _slotMissing = true;
            return;
        }

        _slotMissing = false;

        Log.OutboxStatus(
            _logger, _options.SlotName, lag.Active, lag.WalStatus, lag.LagBytes, lag.LagSeconds, lag.RetainedBytes,
            backlog.Pending, backlog.Failed, backlog.OldestPendingSeconds);
    }
}
