using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NpgsqlTypes;
using Payments.Pipeline.Charges;
using Payments.Pipeline.Outbox;
using Payments.Testing;

namespace Payments.Pipeline.Tests.Outbox;

public sealed class OutboxPublisherTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Events_committed_before_the_slot_existed_are_backfilled_and_later_ones_streamed()
    {
        var before = await OutboxRows.InsertAsync(database, 30);
        var slot = OutboxRows.NewSlotName();
        using var host = PublisherHost.Build(database, slot);

        await host.StartAsync();
        var after = await OutboxRows.InsertAsync(database, 20);

        await OutboxRows.WaitUntilAsync(async () => await OutboxRows.InFeedAsync(database, before.Concat(after)) == 50, TimeSpan.FromSeconds(15), "all 50 events in the feed");
        Assert.True(await database.ScalarAsync<bool>("SELECT backfilled FROM outbox_slots WHERE slot_name = $1", slot));
        var order = await FeedOrderAsync(before.Concat(after));
        Assert.Equal(before.Concat(after), order);
        await host.StopAsync();
    }

    [Fact]
    public async Task Second_publisher_on_the_same_slot_waits_as_follower_and_takes_over_without_loss_when_the_first_stops()
    {
        var slot = OutboxRows.NewSlotName();
        using var leader = PublisherHost.Build(database, slot);
        using var follower = PublisherHost.Build(database, slot);
        await leader.StartAsync();
        await OutboxRows.WaitUntilAsync(() => Task.FromResult(leader.Publisher().IsStreaming), TimeSpan.FromSeconds(10), "the first publisher streams");

        await follower.StartAsync();
        var first = await OutboxRows.InsertAsync(database, 40);
        await OutboxRows.WaitUntilAsync(async () => await OutboxRows.InFeedAsync(database, first) == 40, TimeSpan.FromSeconds(10), "the first events in the feed");

        // The server refuses a second consumer (55006): the follower keeps waiting, its host runs on.
        for (var i = 0; i < 20; i++)
        {
            Assert.False(follower.Publisher().IsStreaming);
            Assert.False(follower.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
            await Task.Delay(25);
        }

        await leader.StopAsync();
        var second = await OutboxRows.InsertAsync(database, 40);

        await OutboxRows.WaitUntilAsync(async () => await OutboxRows.InFeedAsync(database, second) == 40, TimeSpan.FromSeconds(15), "the follower hands off the next events");
        Assert.True(follower.Publisher().IsStreaming);
        Assert.Equal(80L, await OutboxRows.InFeedAsync(database, first.Concat(second)));
        Assert.Equal(first.Concat(second), await FeedOrderAsync(first.Concat(second)));
        await follower.StopAsync();
    }

    [Fact]
    public async Task Slot_is_not_acknowledged_past_an_event_whose_hand_off_failed_and_the_event_arrives_once_it_can()
    {
        var slot = OutboxRows.NewSlotName();
        using var host = PublisherHost.Build(database, slot);
        await host.StartAsync();
        await OutboxRows.WaitUntilAsync(() => Task.FromResult(host.Publisher().IsStreaming), TimeSpan.FromSeconds(10), "the publisher streams");

        await database.ExecuteAsync("""
            CREATE FUNCTION refuse_feed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'feed refused by the test'; END $$;
            CREATE TRIGGER refuse_feed BEFORE INSERT ON event_feed FOR EACH ROW EXECUTE FUNCTION refuse_feed();
            """);
        try
        {
            var refused = await OutboxRows.InsertAsync(database, 1);
            var committedAt = await database.ScalarAsync<NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");

            // Sessions fail and restart while heartbeats keep coming: the position stays before the event.
            for (var i = 0; i < 30; i++)
            {
                Assert.True(await ConfirmedAsync(slot) < committedAt, "the slot was acknowledged past an event that is not handed off");
                await Task.Delay(25);
            }

            await database.ExecuteAsync("DROP TRIGGER refuse_feed ON event_feed; DROP FUNCTION refuse_feed();");
            await OutboxRows.WaitUntilAsync(async () => await OutboxRows.InFeedAsync(database, refused) == 1, TimeSpan.FromSeconds(15), "the refused event handed off after all");
            await OutboxRows.WaitUntilAsync(async () => await ConfirmedAsync(slot) >= committedAt, TimeSpan.FromSeconds(15), "the slot acknowledged past it");
        }
        finally
        {
            await database.ExecuteAsync("DROP TRIGGER IF EXISTS refuse_feed ON event_feed; DROP FUNCTION IF EXISTS refuse_feed();");
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Slot_advances_past_writes_to_other_tables_through_heartbeats()
    {
        var slot = OutboxRows.NewSlotName();
        using var host = PublisherHost.Build(database, slot);
        await host.StartAsync();
        await OutboxRows.WaitUntilAsync(() => Task.FromResult(host.Publisher().IsStreaming), TimeSpan.FromSeconds(10), "the publisher streams");

        // Writes that the publication does not carry: without heartbeats nothing would move the slot.
        await database.ExecuteAsync("INSERT INTO psp_webhook_events (event_id, type, outcome) SELECT 'evt_psp_' || g || '_' || md5(random()::text), 'test', 'ignored' FROM generate_series(1, 200) AS g");
        var written = await database.ScalarAsync<NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");

        await OutboxRows.WaitUntilAsync(async () => await ConfirmedAsync(slot) >= written, TimeSpan.FromSeconds(10), "the slot confirmed past the unpublished writes");
        var monitor = host.Services.GetRequiredService<OutboxMonitor>();
        await monitor.MeasureAsync();
        Assert.True(monitor.Lag!.Active);
        Assert.Equal("reserved", monitor.Lag.WalStatus);
        await host.StopAsync();
        await OutboxRows.WaitUntilAsync(
            async () => await database.ScalarAsync<bool>("SELECT NOT active FROM pg_replication_slots WHERE slot_name = $1", slot),
            TimeSpan.FromSeconds(10), "the slot inactive once the host stopped");
    }

    [Fact]
    public async Task Replayed_hand_off_records_and_queues_each_event_once()
    {
        await database.ExecuteAsync(
            "INSERT INTO merchants (id, name) VALUES ($1, $1) ON CONFLICT (id) DO NOTHING", OutboxRows.MerchantId);
        await database.ExecuteAsync("""
            INSERT INTO webhook_endpoints (id, merchant_id, url, secret_key_id, secret_sealed, idempotency_key, request_hash)
            VALUES ('we_replay', $1, 'http://127.0.0.1:9/hooks', 'test', decode(repeat('00', 98), 'hex'), 'replay-key', sha256(''::bytea))
            ON CONFLICT (id) DO NOTHING
            """, OutboxRows.MerchantId);
        var store = new EventFeedStore(database.DataSource);
        var events = Enumerable.Range(1, 5)
            .Select(i => new ReplicatedEvent(Ids.NewEventId(), OutboxRows.MerchantId, $"ch_replay_{i}", 1, "charge.pending", "{}"))
            .ToList();
        var times = events.Select(_ => DateTime.UtcNow).ToList();

        var first = await store.HandOffAsync(events, times);
        var replay = await store.HandOffAsync(events, times);

        Assert.Equal(new HandOffResult(5, 5), first);
        Assert.Equal(new HandOffResult(0, 0), replay);
        Assert.Equal(5L, await OutboxRows.InFeedAsync(database, events.Select(e => e.EventId)));
        Assert.Equal(5L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = 'we_replay' AND event_id = ANY($1)", [events.Select(e => e.EventId).ToArray()]));
        await database.ExecuteAsync("UPDATE webhook_endpoints SET status = 'deleted' WHERE id = 'we_replay'");
    }

    private async Task<IReadOnlyList<string>> FeedOrderAsync(IEnumerable<string> eventIds)
    {
        await using var command = database.DataSource.CreateCommand("SELECT event_id FROM event_feed WHERE event_id = ANY($1) ORDER BY position");
        command.Parameters.AddWithValue(eventIds.ToArray());
        var order = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            order.Add(reader.GetString(0));
        }

        return order;
    }

    private async Task<NpgsqlLogSequenceNumber> ConfirmedAsync(string slot) =>
        await database.ScalarAsync<NpgsqlLogSequenceNumber>("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = $1", slot);
}
