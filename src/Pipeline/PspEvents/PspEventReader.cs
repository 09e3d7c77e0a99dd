using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Payments.Pipeline.Observability;
using Payments.Pipeline.Psp;
using Payments.Pipeline.PspWebhooks;
using Prometheus;

namespace Payments.Pipeline.PspEvents;

/// <summary>
/// Reads the PSP's event log (<c>GET /v1/events</c>) so that a change made at the PSP reaches our
/// records even when its webhook never comes. Every event goes to the same handler as a webhook,
/// which records its id once and asks for a read of the object: the log and the webhooks may both
/// bring an event, in any order, and it is applied once, forward only.
/// <para>
/// The log is listed newest first, so a read pages back from the newest event to the cursor (the
/// newest one handled before, minus an overlap) and only then moves the cursor: a read cut short
/// (a crash, the PSP out of reach) is simply made again, and what it handled twice is known by id.
/// One instance reads at a time, under a lease on the database's clock, renewed after every page:
/// a read of a backlog longer than the lease keeps it while it makes progress, and stops as soon
/// as it is lost (another instance took over a lapsed lease and reads from the cursor itself).
/// Others wait and take over when the holder stops renewing it. Several could read safely
/// (handling is idempotent), but each would list the whole log again for nothing, and two taking
/// turns could each lose the lease before reaching the cursor, which then never moved.
/// The cursor moves only when a read reaches it: the log pages newest first, so a page handled
/// proves nothing about the older ones below it, and moving earlier would skip them after a crash.
/// </para>
/// </summary>
internal sealed class PspEventReader : BackgroundService
{
    // Each page's events are handled concurrently (their records share a group commit), within the
    // database connections a burst of lookups may take.
    private const int HandledAtOnce = 16;

    private static readonly string[] Outcomes = ["applied", "duplicate", "stale", "unknown_object", "ignored"];

    private readonly PspClient _psp;
    private readonly PspWebhookHandler _handler;
    private readonly PspEventCursorStore _cursor;
    private readonly PspEventOptions _options;
    private readonly ILogger<PspEventReader> _logger;
    private readonly Counter _events;
    private readonly string _holder = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    // Events handled within the overlap: the next read lists them again and skips them here.
    private readonly Dictionary<string, long> _recent = new(StringComparer.Ordinal);
    private double _lagSeconds;
    private int _holding;

    public PspEventReader(
        PspClient psp, PspWebhookHandler handler, PspEventCursorStore cursor, IOptions<PspEventOptions> options, PaymentsMetrics metrics, ILogger<PspEventReader> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _psp = psp;
        _handler = handler;
        _cursor = cursor;
        _options = options.Value;
        _logger = logger;
        _events = metrics.Counter("payments_psp_events_read_total", "PSP events read from the PSP's event log, by what the handler did (applied, duplicate, stale, unknown_object, ignored).", "outcome");
        foreach (var outcome in Outcomes)
        {
            // Served from the start at 0, so a rate over them exists before the first event.
            _events.WithLabels(outcome);
        }
        metrics.Gauge("payments_psp_events_lag_seconds",
            "Seconds since a read of the PSP's event log last reached its end, on the database's clock (whichever instance read).",
            () => Volatile.Read(ref _lagSeconds));
        metrics.Gauge("payments_psp_events_reading", "1 while this instance holds the lease to read the PSP's event log.", () => Volatile.Read(ref _holding));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.Interval);
        do
        {
            try
            {
                await ReadOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                Log.PspEventReadStopped(_logger, e.GetType().Name, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>One read of the log down to the cursor; false when another instance reads or the read stopped short.</summary>
    internal async Task<bool> ReadOnceAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _lagSeconds, await _cursor.LagSecondsAsync(cancellationToken).ConfigureAwait(false) ?? 0);
        var lease = await _cursor.TakeLeaseAsync(_holder, _options.Lease, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _holding, lease is null ? 0 : 1);
        if (lease is null)
        {
            return false;
        }

        var overlap = (long)_options.Overlap.TotalSeconds;
        var from = lease.NewestCreated - overlap;
        var newest = lease.NewestCreated ?? long.MinValue;
        string? startingAfter = null;
        int pages = 0, read = 0, applied = 0;
        while (true)
        {
            var outcome = await _psp.ListEventsAsync(from, startingAfter, _options.PageSize, cancellationToken).ConfigureAwait(false);
            if (outcome is not PspOutcome.EventsListed page)
            {
                Log.PspEventReadStopped(_logger, outcome.ToString(), null);
                return false;
            }

            pages++;
            // Before the first read there is no cursor: the log is followed from its newest event on,
            // since nothing older can concern charges this database has never sent.
            from ??= page.Events.Count > 0 ? Created(page.Events[0]) - overlap : null;
            var fresh = page.Events.Where(e => Created(e) >= from && !_recent.ContainsKey(Id(e))).ToList();
            await Parallel.ForEachAsync(
                fresh,
                new ParallelOptions { MaxDegreeOfParallelism = HandledAtOnce, CancellationToken = cancellationToken },
                async (e, token) =>
                {
                    var done = await _handler.HandleAsync(e, PspEventSources.EventLog, token).ConfigureAwait(false);
                    _events.WithLabels(done).Inc();
                    if (done == "applied")
                    {
                        Interlocked.Increment(ref applied);
                    }
                }).ConfigureAwait(false);

            foreach (var e in fresh)
            {
                _recent[Id(e)] = Created(e);
                newest = Math.Max(newest, Created(e));
            }

            read += fresh.Count;
            var reachedCursor = page.Events.Count == 0 || Created(page.Events[^1]) < from;
            if (!page.HasMore || reachedCursor)
            {
                break;
            }

            if (!await _cursor.RenewLeaseAsync(_holder, _options.Lease, cancellationToken).ConfigureAwait(false))
            {
                // Another instance holds the lease now and reads from the cursor itself.
                Volatile.Write(ref _holding, 0);
                Log.PspEventReadStopped(_logger, "the lease was taken over by another instance", null);
                return false;
            }

            startingAfter = Id(page.Events[^1]);
        }

        if (newest != long.MinValue && !await _cursor.AdvanceAsync(_holder, newest, cancellationToken).ConfigureAwait(false))
        {
            // The lease lapsed during the read; another instance reads from the old cursor, which is safe.
            return false;
        }

        foreach (var (id, created) in _recent.Where(r => r.Value < newest - overlap).ToList())
        {
            _recent.Remove(id);
        }

        Log.PspEventsRead(_logger, from ?? 0, read, applied, pages);
        return true;
    }

    private static string Id(JsonElement pspEvent) => pspEvent.GetProperty("id").GetString()!;

    private static long Created(JsonElement pspEvent) => pspEvent.GetProperty("created").GetInt64();
}
