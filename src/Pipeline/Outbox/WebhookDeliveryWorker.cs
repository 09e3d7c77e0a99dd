using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Prometheus;
using Payments.Pipeline.Observability;
using Payments.Pipeline.Secrets;

namespace Payments.Pipeline.Outbox;

/// <summary>
/// Delivers queued webhook events, at least once, in per-charge sequence order per endpoint.
/// Claims due deliveries for the endpoints that have free slots on this instance, sends each
/// with a timeout, and writes the outcomes back in batches. A slow or dead endpoint only ever
/// occupies its own slots (<see cref="OutboxOptions.DeliveryConcurrencyPerEndpoint"/>), so it
/// never holds back other endpoints or merchants. Every instance may run one: claims use
/// SKIP LOCKED and a lease.
/// </summary>
internal sealed class WebhookDeliveryWorker : BackgroundService
{
    private const int MaxOutcomeBatch = 1_000;

    private readonly OutboxOptions _options;
    private readonly WebhookDeliveryStore _store;
    private readonly WebhookClient _client;
    private readonly SecretSealer _sealer;
    private readonly WakeSignal _work;
    private readonly ILogger<WebhookDeliveryWorker> _logger;
    private readonly Counter _attempts;
    private readonly Histogram _duration;
    private readonly TimeSpan _lease;
    private readonly Lock _countsLock = new();
    private readonly Dictionary<string, int> _inFlightByEndpoint = new(StringComparer.Ordinal);
    private int _inFlight;

    // Outcomes of finished attempts, written back in batches by one loop. Its size is bounded
    // by the deliveries in flight (MaxDeliveriesInFlight), so it needs no bound of its own.
    private readonly Channel<DeliveryOutcome> _outcomes = Channel.CreateUnbounded<DeliveryOutcome>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = false,
        AllowSynchronousContinuations = false,
    });

    public WebhookDeliveryWorker(
        IOptions<OutboxOptions> options,
        WebhookDeliveryStore store,
        WebhookClient client,
        SecretSealer sealer,
        WakeSignal work,
        PaymentsMetrics metrics,
        ILogger<WebhookDeliveryWorker> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _options = options.Value;
        _store = store;
        _client = client;
        _sealer = sealer;
        _work = work;
        _logger = logger;

        // A claimed row is left alone by other claims for this long: the attempt's timeout and
        // the write-back of its outcome fit well inside. If the instance dies meanwhile, the row
        // comes due again when the lease runs out (at least once).
        _lease = (_options.DeliveryTimeout * 2) + TimeSpan.FromSeconds(5);
        _attempts = metrics.Counter("payments_webhooks_delivery_attempts_total", "Webhook delivery attempts by outcome (delivered, retry, failed).", "outcome");
        _duration = metrics.Histogram("payments_webhooks_delivery_duration_seconds", "Time of one delivery attempt.", PaymentsMetrics.SecondsBuckets);
        metrics.Gauge("payments_webhooks_deliveries_in_flight", "Deliveries being attempted by this instance.", () => Volatile.Read(ref _inFlight));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.DeliveryEnabled)
        {
            return;
        }

        // Not bound to stoppingToken: outcomes of attempts that finished are still written at shutdown.
        var recording = RecordOutcomesAsync();
        try
        {
            await ClaimLoopAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
        finally
        {
            // Attempts in flight end with the stopping token and report 'released', which puts
            // their rows back in the queue at once instead of after the lease.
            var giveUpAt = TimeProvider.System.GetTimestamp() + (long)(_options.DeliveryTimeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
            while (Volatile.Read(ref _inFlight) > 0 && TimeProvider.System.GetTimestamp() < giveUpAt)
            {
                await _work.WaitAsync(TimeSpan.FromMilliseconds(20), CancellationToken.None).ConfigureAwait(false);
            }

            _outcomes.Writer.TryComplete();
            await recording.ConfigureAwait(false);
        }
    }

    private async Task ClaimLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var maybeMore = false;
            try
            {
                maybeMore = await ClaimOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (NpgsqlException e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database is away for a moment; the next round tries again.
                Log.DeliveryClaimFailed(_logger, e);
            }

            if (!maybeMore)
            {
                // Woken by newly queued work or a finished attempt (which may unblock the next
                // event of its charge); the poll finds retries coming due and other instances' work.
                await _work.WaitAsync(_options.DeliveryPollInterval, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Claims and starts what this instance has room for; true when a full batch came back.</summary>
    private async Task<bool> ClaimOnceAsync(CancellationToken stoppingToken)
    {
        var room = Math.Min(_options.MaxDeliveriesInFlight - Volatile.Read(ref _inFlight), _options.DeliveryClaimBatch);
        if (room <= 0)
        {
            return false;
        }

        string[] busy;
        int[] counts;
        lock (_countsLock)
        {
            busy = [.. _inFlightByEndpoint.Keys];
            counts = [.. busy.Select(e => _inFlightByEndpoint[e])];
        }

        var claimed = await _store.ClaimAsync(busy, counts, _options.DeliveryConcurrencyPerEndpoint, room, _lease, stoppingToken).ConfigureAwait(false);
        foreach (var delivery in claimed)
        {
            lock (_countsLock)
            {
                _inFlightByEndpoint[delivery.EndpointId] = _inFlightByEndpoint.GetValueOrDefault(delivery.EndpointId) + 1;
                _inFlight++;
            }

            _ = DeliverAsync(delivery, stoppingToken);
        }

        return claimed.Count == room;
    }

    /// <summary>One attempt; never throws: whatever happens becomes an outcome (see <see cref="WebhookDeliveryErrors"/>).</summary>
    private async Task DeliverAsync(ClaimedDelivery delivery, CancellationToken stoppingToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        DeliveryOutcome outcome;
        try
        {
            var secret = _sealer.Unseal(delivery.Secret, WebhookEndpointStore.SealingContext(delivery.EndpointId));
            var status = await _client.SendAsync(delivery, secret, _options.DeliveryTimeout, stoppingToken).ConfigureAwait(false);
            outcome = status is >= 200 and < 300
                ? new DeliveryOutcome(delivery.Id, delivery.EndpointId, delivery.EventId, delivery.Attempt, DeliveryOutcome.Delivered, status, null, TimeSpan.Zero)
                : Failure(delivery, status, WebhookDeliveryErrors.HttpStatus);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            outcome = new DeliveryOutcome(delivery.Id, delivery.EndpointId, delivery.EventId, delivery.Attempt, DeliveryOutcome.Released, null, null, TimeSpan.Zero);
        }
        catch (SecretUnavailableException e)
        {
            // Fail closed: nothing is sent unsigned or signed with a guess; an operator restores the key.
            Log.DeliverySecretUnavailable(_logger, delivery.EndpointId, delivery.Secret.KeyId, e);
            outcome = Failure(delivery, null, WebhookDeliveryErrors.SecretUnavailable);
        }
        catch (TimeoutException)
        {
            outcome = Failure(delivery, null, WebhookDeliveryErrors.Timeout);
        }
        catch (HttpRequestException e)
        {
            outcome = Failure(delivery, null, WebhookDeliveryErrors.Of(e));
        }
        catch (Exception e) when (e is InvalidOperationException or UriFormatException or NotSupportedException)
        {
            outcome = Failure(delivery, null, WebhookDeliveryErrors.ConnectionFailed);
        }

        _duration.Observe(TimeProvider.System.GetElapsedTime(started).TotalSeconds);
        _outcomes.Writer.TryWrite(outcome);
    }

    private DeliveryOutcome Failure(ClaimedDelivery delivery, int? statusCode, string error)
    {
        if (delivery.Attempt >= _options.MaxDeliveryAttempts)
        {
            return new DeliveryOutcome(delivery.Id, delivery.EndpointId, delivery.EventId, delivery.Attempt, DeliveryOutcome.Failed, statusCode, error, TimeSpan.Zero);
        }

        var retryIn = DeliveryBackoff.After(delivery.Attempt, _options.RetryBaseDelay, _options.RetryMaxDelay);
        return new DeliveryOutcome(delivery.Id, delivery.EndpointId, delivery.EventId, delivery.Attempt, DeliveryOutcome.Pending, statusCode, error, retryIn);
    }

    private async Task RecordOutcomesAsync()
    {
        var reader = _outcomes.Reader;
        var batch = new List<DeliveryOutcome>(MaxOutcomeBatch);
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxOutcomeBatch && reader.TryRead(out var outcome))
            {
                batch.Add(outcome);
            }

            try
            {
                await _store.CompleteAsync(batch, CancellationToken.None).ConfigureAwait(false);
            }
            catch (NpgsqlException e)
            {
                // Not written: those rows come due again when their lease runs out and are sent
                // again (a repeat with the same event id, never a loss).
                Log.DeliveryOutcomesNotRecorded(_logger, batch.Count, e);
            }

            foreach (var outcome in batch)
            {
                Count(outcome);
                lock (_countsLock)
                {
                    var left = _inFlightByEndpoint[outcome.EndpointId] - 1;
                    if (left == 0)
                    {
                        _inFlightByEndpoint.Remove(outcome.EndpointId);
                    }
                    else
                    {
                        _inFlightByEndpoint[outcome.EndpointId] = left;
                    }

                    _inFlight--;
                }
            }

            _work.Set();
        }
    }

    private void Count(DeliveryOutcome outcome)
    {
        switch (outcome.Status)
        {
            case DeliveryOutcome.Delivered:
                _attempts.WithLabels("delivered").Inc();
                break;
            case DeliveryOutcome.Pending:
                _attempts.WithLabels("retry").Inc();
                break;
            case DeliveryOutcome.Failed:
                _attempts.WithLabels("failed").Inc();
                Log.DeliveryParked(_logger, outcome.Id, outcome.EndpointId, outcome.EventId, outcome.Attempt, outcome.Error ?? "");
                break;
        }
    }
}
