using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using PspSimulator.Events;
using PspSimulator.Faults;

namespace PspSimulator.Webhooks;

/// <summary>
/// Turns events into webhook deliveries in the background, applying the plan's webhook faults: drops,
/// duplicates, delays, reordering, and retries of failed attempts with doubling delays. One reader
/// numbers the events in order, and every decision is a function of (seed, that number), so a run
/// with the same seed and the same events makes the same decisions. Under a plan that names its own
/// seed (<see cref="ActiveFaultPlan.Keyed"/>) the decisions are a function of (seed, event id, copy)
/// instead, so they do not depend on the order events were created in.
/// </summary>
/// <remarks>
/// With several URLs an event's first attempt goes to the URL its pick chooses (a function of the plan's
/// own seed, or 0, and the event id, so events split evenly and reproducibly), and each failed attempt
/// moves to the next URL round robin, within the same retry budget: a receiver instance that is down
/// delays its share of events by one retry instead of losing them.
/// </remarks>
internal sealed class WebhookDispatcher : BackgroundService
{
    private readonly Channel<StoredEvent> _queue;
    private readonly ConcurrentDictionary<string, HeldEvent> _held = new(StringComparer.Ordinal);
    private readonly WebhookClient _client;
    private readonly WebhookEndpointHolder _endpoints;
    private readonly FaultPlanHolder _faults;
    private readonly WebhookStats _stats;
    private readonly SemaphoreSlim _deliveries;
    private readonly ILogger<WebhookDispatcher> _logger;
    private long _eventNumber;

    // Events up to this sequence number were forgotten by POST /_sim/reset: queued, held, delayed or
    // retrying, none of them is sent again.
    private long _forgottenThrough;

    // The reset the reader last saw (only the reader touches it and _eventNumber): after a reset events
    // are numbered from 1 again, as in a fresh simulator.
    private long _resetSeen;

    public WebhookDispatcher(
        WebhookClient client,
        WebhookEndpointHolder endpoints,
        FaultPlanHolder faults,
        WebhookStats stats,
        IOptions<WebhookDeliveryOptions> options,
        ILogger<WebhookDispatcher> logger)
    {
        _client = client;
        _endpoints = endpoints;
        _faults = faults;
        _stats = stats;
        _logger = logger;
        _deliveries = new SemaphoreSlim(options.Value.MaxConcurrentDeliveries);

        // Bounded so a dead endpoint cannot grow memory without end. Writers never wait: an API answer
        // must not block on webhooks, so a full queue loses the event (counted and logged) instead.
        // Continuations stay asynchronous so no API request thread ends up running dispatch.
        _queue = Channel.CreateBounded<StoredEvent>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
    }

    /// <summary>Queues an event; without an endpoint it is not delivered at all (as for a Stripe account without one).</summary>
    public void Enqueue(StoredEvent stored)
    {
        if (_endpoints.Current.Urls.Count == 0)
        {
            return;
        }

        if (!_queue.Writer.TryWrite(stored))
        {
            _stats.QueueOverflow();
            Log.WebhookQueueFull(_logger, stored.Id);
        }
    }

    /// <summary>Stops every delivery of events up to <paramref name="lastSequence"/>; only <c>POST /_sim/reset</c> calls this.</summary>
    public void Forget(long lastSequence)
    {
        Volatile.Write(ref _forgottenThrough, lastSequence);
        _held.Clear();
    }

    public override void Dispose()
    {
        _deliveries.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var stored))
                {
                    Dispatch(stored, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: events still queued are not delivered, as with a PSP that goes away.
        }
    }

    private bool Forgotten(StoredEvent stored) => stored.Sequence <= Volatile.Read(ref _forgottenThrough);

    private void Dispatch(StoredEvent stored, CancellationToken cancellationToken)
    {
        var forgotten = Volatile.Read(ref _forgottenThrough);
        if (stored.Sequence <= forgotten)
        {
            return;
        }

        if (forgotten != _resetSeen)
        {
            _resetSeen = forgotten;
            _eventNumber = 0;
        }

        var number = ++_eventNumber;
        var plan = _faults.Current;
        var faults = plan.Plan.Webhooks;
        var seed = plan.Seed;
        var eventPoint = SeededRandom.KeyedPoint(SeededRandom.WebhookEvent, stored.Id, 0);
        var point = plan.Keyed ? eventPoint : number;
        var pick = SeededRandom.Bits(plan.Keyed ? seed : 0, eventPoint, SeededRandom.StreamWebhookUrl);
        _stats.Event();

        if (faults is not null && SeededRandom.Unit(seed, point, SeededRandom.StreamWebhookDrop) < faults.DropRate)
        {
            _stats.Dropped();
            return;
        }

        var copies = 1;
        if (faults is not null && SeededRandom.Unit(seed, point, SeededRandom.StreamWebhookDuplicate) < faults.DuplicateRate)
        {
            copies = Math.Max(2, faults.DuplicateCopies ?? 2);
            _stats.Duplicated();
        }

        var delays = new int[copies];
        for (var copy = 0; copy < copies; copy++)
        {
            var copyPoint = plan.Keyed ? SeededRandom.KeyedPoint(SeededRandom.WebhookEvent, stored.Id, copy + 1) : (number * 128) + copy;
            delays[copy] = faults?.DelayMs is { } range
                ? SeededRandom.Between(seed, copyPoint, SeededRandom.StreamWebhookDelay, range.Min, range.Max)
                : 0;
        }

        var current = new HeldEvent(stored, delays, pick);
        var reorder = faults is not null && SeededRandom.Unit(seed, point, SeededRandom.StreamWebhookReorder) < faults.ReorderRate;

        if (_held.TryRemove(stored.ObjectId, out var older))
        {
            // A newer state of an object whose older event is held: this one first, the older one after.
            var newer = StartCopies(current, cancellationToken);
            _ = DeliverAfterAsync(newer, older, cancellationToken);
            return;
        }

        if (reorder)
        {
            _held[stored.ObjectId] = current;
            _stats.Held();
            _ = ReleaseWhenExpiredAsync(current, faults!.ReorderMaxHoldMs ?? WebhookFaults.DefaultReorderMaxHoldMs, cancellationToken);
            return;
        }

        StartCopies(current, cancellationToken);
    }

    /// <summary>Starts every copy and returns the first one's delivery, which a held older event waits for.</summary>
    private Task StartCopies(HeldEvent held, CancellationToken cancellationToken)
    {
        _stats.Copies(held.CopyDelaysMs.Count);
        var first = DeliverCopyAsync(held.Event, held.CopyDelaysMs[0], held.UrlPick, cancellationToken);
        for (var copy = 1; copy < held.CopyDelaysMs.Count; copy++)
        {
            _ = DeliverCopyAsync(held.Event, held.CopyDelaysMs[copy], held.UrlPick, cancellationToken);
        }

        return first;
    }

    private async Task DeliverAfterAsync(Task newer, HeldEvent older, CancellationToken cancellationToken)
    {
        await newer.ConfigureAwait(false);
        if (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        _stats.Reordered();
        await StartCopies(older, cancellationToken).ConfigureAwait(false);
    }

    private async Task ReleaseWhenExpiredAsync(HeldEvent held, int maxHoldMs, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(maxHoldMs, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (_held.TryRemove(KeyValuePair.Create(held.Event.ObjectId, held)))
        {
            _stats.ReorderExpired();
            await StartCopies(held, cancellationToken).ConfigureAwait(false);
        }
    }

    // Never throws: a delivery that cannot complete is counted and logged, and shutdown just ends it.
    private async Task DeliverCopyAsync(StoredEvent stored, int delayMs, ulong urlPick, CancellationToken cancellationToken)
    {
        try
        {
            if (delayMs > 0)
            {
                await Task.Delay(delayMs, cancellationToken).ConfigureAwait(false);
            }

            for (var attempt = 1; ; attempt++)
            {
                if (Forgotten(stored))
                {
                    return;
                }

                DeliveryResult result;
                await _deliveries.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    _stats.Attempt();
                    result = await _client.DeliverAsync(stored, urlPick + (ulong)(attempt - 1), cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _deliveries.Release();
                }

                if (result == DeliveryResult.Delivered)
                {
                    _stats.Delivered();
                    return;
                }

                if (result == DeliveryResult.NoEndpoint)
                {
                    return;
                }

                _stats.FailedAttempt();
                var faults = _faults.Current.Plan.Webhooks;
                var maxAttempts = faults?.RetryMaxAttempts ?? WebhookFaults.DefaultRetryMaxAttempts;
                if (attempt >= maxAttempts)
                {
                    _stats.GaveUp();
                    Log.WebhookGaveUp(_logger, stored.Id, attempt);
                    return;
                }

                var baseDelay = (long)(faults?.RetryBaseDelayMs ?? WebhookFaults.DefaultRetryBaseDelayMs);
                var delay = Math.Min(baseDelay << Math.Min(attempt - 1, 20), 3_600_000L);
                await Task.Delay(TimeSpan.FromMilliseconds(delay), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }
}
