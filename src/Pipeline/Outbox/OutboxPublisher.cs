using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;
using Prometheus;
using Payments.Pipeline.Observability;
using Payments.Pipeline.Storage;

namespace Payments.Pipeline.Outbox;

/// <summary>
/// Streams the outbox through a permanent pgoutput slot (no polling of the table) and hands
/// every event off durably: recorded in the feed and queued for each webhook endpoint.
/// One session at a time holds the slot; another instance gets SQLSTATE 55006 and waits as
/// a follower until the slot is free.
/// </summary>
/// <remarks>
/// <para><b>The acknowledgement rule (invariant 6).</b> The slot's confirmed position is the
/// only record of what has been handed off; the server never sends again what lies before it.
/// So a position is acknowledged only after everything it covers is committed in the database:</para>
/// <list type="number">
/// <item>The reader copies each transaction's rows into plain records and passes the whole
/// transaction on at its <see cref="CommitMessage"/>, with <see cref="CommitMessage.TransactionEndLsn"/>.</item>
/// <item>The hand-off loop takes several transactions in stream (commit) order, writes all their
/// events in one database transaction and waits for its commit.</item>
/// <item>Only then is the end position of the last of those transactions set and sent
/// (<c>SetReplicationStatus</c>, <c>SendStatusUpdate</c>). Never <see cref="CommitMessage.CommitLsn"/>
/// (the start of the commit record: the transaction would be sent again), never a position
/// received but not yet handed off (a crash would lose it).</item>
/// </list>
/// <para>A crash between the commit and the acknowledgement replays those transactions; the
/// hand-off is idempotent by event id, so the replay records and queues nothing twice.</para>
/// </remarks>
internal sealed class OutboxPublisher : BackgroundService
{
    private static readonly TimeSpan FirstReconnectDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan FinalStatusTimeout = TimeSpan.FromSeconds(5);

    private readonly OutboxOptions _options;
    private readonly ReplicationSlotStore _slots;
    private readonly EventFeedStore _feed;
    private readonly WakeSignal _deliveriesQueued;
    private readonly IConfiguration _configuration;
    private readonly TimeProvider _clock;
    private readonly ILogger<OutboxPublisher> _logger;
    private readonly Counter _handedOff;
    private readonly Histogram _batchSize;
    private readonly Histogram _handOffDelay;
    private volatile int _streaming;

    // The last position confirmed in this session (only the hand-off loop writes it).
    private NpgsqlLogSequenceNumber _acknowledged;

    public OutboxPublisher(
        IOptions<OutboxOptions> options,
        ReplicationSlotStore slots,
        EventFeedStore feed,
        WakeSignal deliveriesQueued,
        IConfiguration configuration,
        TimeProvider clock,
        PaymentsMetrics metrics,
        ILogger<OutboxPublisher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _options = options.Value;
        _slots = slots;
        _feed = feed;
        _deliveriesQueued = deliveriesQueued;
        _configuration = configuration;
        _clock = clock;
        _logger = logger;
        _handedOff = metrics.Counter("payments_outbox_events_handed_off_total", "Outbox events recorded in the feed and queued for delivery.");
        _batchSize = metrics.Histogram("payments_outbox_handoff_batch_size", "Events per hand-off transaction.", [1, 10, 100, 500, 1_000, 2_000, 5_000, 10_000]);
        _handOffDelay = metrics.Histogram(
            "payments_outbox_handoff_delay_seconds", "From the commit of an outbox event to its durable hand-off (oldest of each batch).", PaymentsMetrics.SecondsBuckets);
        metrics.Gauge("payments_outbox_streaming", "1 while this instance holds the slot and streams it.", () => _streaming);
    }

    /// <summary>Told the number of events of each durable hand-off (the throughput benchmark times them).</summary>
    public event Action<long>? EventsHandedOff;

    /// <summary>True while this instance streams the slot (it is the leader).</summary>
    public bool IsStreaming => _streaming == 1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            Log.PublisherDisabled(_logger);
            return;
        }

        var connectionString = _configuration.GetConnectionString(StorageServiceCollectionExtensions.ConnectionStringName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{StorageServiceCollectionExtensions.ConnectionStringName} is not set.");
        var reconnectDelay = FirstReconnectDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                await RunSessionAsync(connectionString, stoppingToken).ConfigureAwait(false);
                wait = reconnectDelay = FirstReconnectDelay;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse)
            {
                // One consumer per slot: the server refuses a second one. That is the leader
                // election; this instance stays a follower and asks again later.
                Log.AnotherInstanceLeads(_logger, _options.SlotName);
                wait = _options.LeaderRetryInterval;
            }
            catch (OutboxConfigurationException e)
            {
                Log.PublisherMisconfigured(_logger, e.Message);
                wait = _options.ReconnectDelayMax;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Nothing was acknowledged past what was handed off, so the next session resumes
                // exactly there. Any failure is retried: stopping would pin WAL for good.
                Log.PublisherSessionFailed(_logger, reconnectDelay, e);
                wait = reconnectDelay;
                reconnectDelay = TimeSpan.FromTicks(Math.Min(reconnectDelay.Ticks * 2, _options.ReconnectDelayMax.Ticks));
            }
            finally
            {
                _streaming = 0;
            }

            try
            {
                await Task.Delay(wait, _clock, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunSessionAsync(string connectionString, CancellationToken stoppingToken)
    {
        await PrepareSlotAsync(stoppingToken).ConfigureAwait(false);

        await using var connection = new LogicalReplicationConnection(connectionString);
        await connection.Open(stoppingToken).ConfigureAwait(false);

        // The reader's session is not the host's stop: on a stop the hand-off loop ends first, the
        // final status goes out on a stream still read normally, and only then does the reader end.
        using var session = new CancellationTokenSource();
        using var budget = new EventBudget(_options.MaxBufferedEvents);

        // One reader, one hand-off loop; the bound on buffered events is the budget, not the
        // channel, because transactions differ wildly in size (one event to a group commit's
        // hundreds). Continuations run asynchronously so the reader never runs the hand-off.
        var transactions = Channel.CreateUnbounded<ReplicatedTransaction>(new UnboundedChannelOptions
        {
            SingleReader = true,
            SingleWriter = true,
            AllowSynchronousContinuations = false,
        });
        var reading = ReadStreamAsync(connection, transactions.Writer, budget, session.Token);
        var heartbeat = HeartbeatLoopAsync(session.Token);
        _acknowledged = default;
        try
        {
            // Returns when the stream ends; a failure of the reader (55006 included) reaches it
            // through the channel, after the transactions read before it are handed off.
            await HandOffLoopAsync(connection, transactions.Reader, budget, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            await EndSessionAsync(connection, session, reading, heartbeat).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends the final status, then ends the reader and waits for it, whatever fails on the way.
    /// </summary>
    /// <remarks>
    /// The connection is disposed when this returns, and Npgsql's dispose drives the stream's
    /// enumerator itself while the connection still replicates. Disposing while the reader still
    /// awaits a read makes two callers of one enumerator: the read completing afterwards finishes
    /// the iterator a second time, an exception thrown on a socket callback that ends the process.
    /// So nothing here may skip waiting for the reader.
    /// </remarks>
    private async Task EndSessionAsync(LogicalReplicationConnection connection, CancellationTokenSource session, Task reading, Task heartbeat)
    {
        try
        {
            await SendFinalStatusAsync(connection).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                await session.CancelAsync().ConfigureAwait(false);
            }
            finally
            {
                try
                {
                    await reading.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Ended by the session's cancellation, or its failure went through the
                    // channel to the hand-off loop, which throws it.
                }

                try
                {
                    await heartbeat.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Its loop ends with the session; any other failure ends the session with it.
                }
            }
        }
    }

    /// <summary>The publication and the slot exist; a new slot's earlier events are backfilled.</summary>
    private async Task PrepareSlotAsync(CancellationToken cancellationToken)
    {
        await _slots.EnsurePublicationAsync(_options.PublicationName, cancellationToken).ConfigureAwait(false);
        if (await _slots.EnsureSlotAsync(_options.SlotName, cancellationToken).ConfigureAwait(false))
        {
            await _feed.MarkSlotCreatedAsync(_options.SlotName, cancellationToken).ConfigureAwait(false);
            Log.SlotCreated(_logger, _options.SlotName);
        }

        if (await _feed.NeedsBackfillAsync(_options.SlotName, cancellationToken).ConfigureAwait(false))
        {
            var backfilled = await _feed.BackfillAsync(_options.SlotName, cancellationToken).ConfigureAwait(false);
            Log.SlotBackfilled(_logger, _options.SlotName, backfilled.Recorded, backfilled.Queued);
            HandedOff(backfilled.Recorded);
            if (backfilled.Queued > 0)
            {
                _deliveriesQueued.Set();
            }
        }
    }

    /// <summary>
    /// Decodes the stream into plain records, one <see cref="ReplicatedTransaction"/> per commit.
    /// Every value is copied out before the next message is read: Npgsql reuses the message
    /// objects, so none of them may outlive its turn of the loop.
    /// </summary>
    private async Task ReadStreamAsync(
        LogicalReplicationConnection connection, ChannelWriter<ReplicatedTransaction> writer, EventBudget budget, CancellationToken cancellationToken)
    {
        // Yield first, so the caller gets the task back before the first (blocking) read.
        await Task.Yield();
        try
        {
            // Streaming and two-phase off: only whole, committed transactions arrive, in commit
            // order. Messages on: the heartbeat is a transactional logical message.
            var options = new PgOutputReplicationOptions(
                _options.PublicationName, PgOutputProtocolVersion.V1, binary: false, streamingMode: PgOutputStreamingMode.Off, messages: true, twoPhase: false);
            var relations = new Dictionary<uint, OutboxColumns?>();
            List<ReplicatedEvent>? events = null;
            await foreach (var message in connection.StartReplication(new PgOutputReplicationSlot(_options.SlotName), options, cancellationToken).ConfigureAwait(false))
            {
                _streaming = 1;
                switch (message)
                {
                    case RelationMessage relation:
                        relations[relation.RelationId] = OutboxColumns.For(relation);
                        break;
                    case InsertMessage insert:
                        if (relations.TryGetValue(insert.Relation.RelationId, out var columns) && columns is not null)
                        {
                            (events ??= []).Add(await columns.ReadAsync(insert.NewRow, cancellationToken).ConfigureAwait(false));
                        }

                        break;
                    case CommitMessage commit:
                        var transaction = new ReplicatedTransaction(
                            events is null ? [] : events, commit.TransactionEndLsn, commit.TransactionCommitTimestamp);
                        events = null;
                        budget.Take(transaction.Events.Count);
                        writer.TryWrite(transaction);
                        await budget.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
                        break;
                }
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            writer.TryComplete(e);
            throw;
        }
        finally
        {
            // Whatever ended the stream, the hand-off loop finishes what it has and returns.
            writer.TryComplete();
        }
    }

    /// <summary>Hands off batches of transactions and acknowledges each batch.</summary>
    private async Task HandOffLoopAsync(
        LogicalReplicationConnection connection, ChannelReader<ReplicatedTransaction> reader, EventBudget budget, CancellationToken cancellationToken)
    {
        var events = new List<ReplicatedEvent>();
        var committedAt = new List<DateTime>();
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Clear();
            committedAt.Clear();
            NpgsqlLogSequenceNumber? batchEnd = null;
            DateTime? oldestCommit = null;
            while (events.Count < _options.MaxHandOffBatch && reader.TryRead(out var transaction))
            {
                foreach (var e in transaction.Events)
                {
                    events.Add(e);
                    committedAt.Add(transaction.CommittedAt);
                }

                oldestCommit ??= transaction.Events.Count > 0 ? transaction.CommittedAt : null;
                batchEnd = transaction.EndLsn;
            }

            if (batchEnd is not { } end)
            {
                continue;
            }

            if (events.Count > 0)
            {
                var result = await _feed.HandOffAsync(events, committedAt, cancellationToken).ConfigureAwait(false);
                HandedOff(result.Recorded);
                _batchSize.Observe(events.Count);
                if (oldestCommit is { } oldest)
                {
                    _handOffDelay.Observe(Math.Max(0, (_clock.GetUtcNow() - new DateTimeOffset(oldest, TimeSpan.Zero)).TotalSeconds));
                }

                if (result.Queued > 0)
                {
                    _deliveriesQueued.Set();
                }
            }

            // The acknowledgement rule: everything up to `end` is committed above (or had no
            // events), in stream order, so `end` may be confirmed, and only now.
            connection.SetReplicationStatus(end);
            await connection.SendStatusUpdate(cancellationToken).ConfigureAwait(false);
            _acknowledged = end;
            budget.Return(events.Count);
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _clock);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await _slots.EmitHeartbeatAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested)
            {
                // The next tick tries again; meanwhile the slot only pins a little more WAL.
                Log.HeartbeatFailed(_logger, e);
            }
        }
    }

    private async Task SendFinalStatusAsync(LogicalReplicationConnection connection)
    {
        if (_acknowledged == default)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(FinalStatusTimeout, _clock);
            connection.SetReplicationStatus(_acknowledged);
            await connection.SendStatusUpdate(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The socket would not take it in time; the last batch's status went out already.
        }
        catch (InvalidOperationException)
        {
            // The stream had already ended (the connection is no longer replicating, or is
            // disposed): the last acknowledgement went out with its batch.
        }
        catch (Exception e)
        {
            // The stream ended while the status was being sent (Npgsql can fail here with other
            // exceptions when the stream tears down at the same moment). The last batch's status
            // went out with it; the slot resumes from there.
            Log.FinalStatusFailed(_logger, e);
        }
    }

    private void HandedOff(long recorded)
    {
        _handedOff.Inc(recorded);
        EventsHandedOff?.Invoke(recorded);
    }
}
