using Npgsql;
using Payments.Pipeline.Outbox;
using Payments.Pipeline.PspWebhooks;
using Payments.Pipeline.Retention;
using Payments.Pipeline.Tests.Outbox;
using Payments.Testing;

namespace Payments.Pipeline.Tests.Retention;

/// <summary>
/// Retention on a real database with partitions two seconds wide: old partitions go whole, what
/// the rules keep stays, and writers are never held up by a drop.
/// </summary>
public sealed class RetentionTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly TimeSpan Keep = TimeSpan.FromSeconds(2);

    private static readonly RetentionOptions Short = new()
    {
        PartitionWidth = TimeSpan.FromSeconds(2),
        Ahead = TimeSpan.FromSeconds(30),
        OutboxKeep = Keep,
        EventsKeep = Keep,
        PspEventsKeep = Keep,
    };

    [Fact]
    public async Task A_run_drops_old_partitions_whole_and_keeps_recent_rows_pending_deliveries_and_the_newest_event()
    {
        await StartOverWithShortPartitionsAsync();
        var feed = new EventFeedStore(database.DataSource);
        var psp = new PspWebhookStore(database.DataSource);
        await database.ExecuteAsync("INSERT INTO merchants (id, name) VALUES ($1, $1) ON CONFLICT (id) DO NOTHING", OutboxRows.MerchantId);
        await database.ExecuteAsync("""
            INSERT INTO webhook_endpoints (id, merchant_id, url, secret_key_id, secret_sealed, idempotency_key, request_hash)
            VALUES ('we_retention', $1, 'http://127.0.0.1:9/hooks', 'test', decode(repeat('00', 98), 'hex'), 'retention-key', sha256(''::bytea))
            ON CONFLICT (id) DO NOTHING
            """, OutboxRows.MerchantId);

        var old = await OutboxRows.InsertAsync(database, 3);
        await HandOffAsync(feed, old);
        Assert.Equal([true], await psp.RecordAsync([new("evt_psp_old_" + Guid.NewGuid().ToString("N"), "payment_intent.succeeded", null, "applied", null, "webhook")]));
        // One old delivery still waiting: its partition must stay until it is delivered or parked.
        await database.ExecuteAsync("UPDATE webhook_deliveries SET status = 'delivered' WHERE event_id = ANY($1)", [old.ToArray()]);
        await database.ExecuteAsync("UPDATE webhook_deliveries SET status = 'pending' WHERE event_id = $1", old[0]);

        // Past the old rows' partitions and their keep, then newer rows.
        await Task.Delay(Short.PartitionWidth + Keep + TimeSpan.FromSeconds(1));
        var recent = await OutboxRows.InsertAsync(database, 2);
        await HandOffAsync(feed, recent);

        var run = await RetentionStore.RunAsync(database.DataSource, Short);

        Assert.NotNull(run);
        Assert.Contains(run.Dropped, d => d.Table == "outbox");
        Assert.Contains(run.Dropped, d => d.Table == "event_feed");
        Assert.Contains(run.Dropped, d => d.Table == "psp_webhook_events");
        Assert.Equal(0L, await CountAsync("outbox", old));
        Assert.Equal(0L, await CountAsync("event_feed", old));
        Assert.Equal(2L, await CountAsync("outbox", recent));
        Assert.Equal(2L, await CountAsync("event_feed", recent));
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM psp_webhook_events WHERE event_id LIKE 'evt_psp_old_%'"));
        // The pending delivery's partition stayed, with its delivered neighbours.
        Assert.Equal(3L, await CountAsync("webhook_deliveries", old));

        // Once it is delivered, the next run drops that partition too.
        await database.ExecuteAsync("UPDATE webhook_deliveries SET status = 'delivered' WHERE event_id = $1", old[0]);
        var next = await RetentionStore.RunAsync(database.DataSource, Short);
        Assert.Contains(next!.Dropped, d => d.Table == "webhook_deliveries");
        Assert.Equal(0L, await CountAsync("webhook_deliveries", old));
        Assert.Equal(2L, await CountAsync("webhook_deliveries", recent));

        // The newest event is never dropped, however old: positions continue from it.
        await Task.Delay(Short.PartitionWidth + Keep + TimeSpan.FromSeconds(1));
        await RetentionStore.RunAsync(database.DataSource, Short);
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM event_feed WHERE event_id = $1", recent[^1]));
    }

    [Fact]
    public async Task A_drop_waits_for_an_open_writer_and_never_blocks_the_next_one()
    {
        await StartOverWithShortPartitionsAsync();
        var feed = new EventFeedStore(database.DataSource);
        var old = await OutboxRows.InsertAsync(database, 1);
        await HandOffAsync(feed, old);
        await Task.Delay(Short.PartitionWidth + Keep + TimeSpan.FromSeconds(1));
        await HandOffAsync(feed, await OutboxRows.InsertAsync(database, 1));

        // A writer whose transaction stays open over the drop.
        await using var open = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await open.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO psp_webhook_events (event_id, type, outcome) VALUES ($1, 'payment_intent.succeeded', 'applied')", open, transaction))
        {
            insert.Parameters.AddWithValue("evt_psp_open_" + Guid.NewGuid().ToString("N"));
            await insert.ExecuteNonQueryAsync();
        }

        var run = RetentionStore.RunAsync(database.DataSource, Short);

        // Writers keep writing to every table while the drop waits for the open transaction.
        for (var i = 0; i < 5; i++)
        {
            var written = await OutboxRows.InsertAsync(database, 1);
            await HandOffAsync(feed, written);
        }

        Assert.False(run.IsCompleted, "the concurrent detach waits for the open transaction");
        await transaction.CommitAsync();
        var done = await run;
        Assert.Contains(done!.Dropped, d => d.Table == "outbox");
        Assert.Equal(0L, await CountAsync("outbox", old));
    }

    [Fact]
    public async Task Processes_starting_at_once_make_each_partition_once()
    {
        await StartOverWithShortPartitionsAsync();
        var wider = new RetentionOptions { PartitionWidth = Short.PartitionWidth, Ahead = TimeSpan.FromMinutes(2) };

        var made = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RetentionStore.PrepareAsync(database.DataSource, wider)));

        Assert.True(made.Sum() > 0);
        Assert.Equal(0L, await database.ScalarAsync<long>("""
            SELECT count(*)
            FROM retention_partitions AS a
            JOIN retention_partitions AS b ON a.parent = b.parent AND a.name < b.name
            WHERE a.lower_at < b.upper_at AND b.lower_at < a.upper_at
            """));
    }

    // After the legacy partition there may be a gap (StartOver here, a long stop in production:
    // no key is minted for the past), never between the partitions made.
    [Fact]
    public async Task Prepare_makes_contiguous_partitions_up_to_the_lead()
    {
        await StartOverWithShortPartitionsAsync();
        await RetentionStore.PrepareAsync(database.DataSource, Short);
        var gaps = await database.ScalarAsync<long>("""
            SELECT count(*)
            FROM (SELECT parent, lower_at, lag(upper_at) OVER (PARTITION BY parent ORDER BY lower_at) AS previous_upper
                  FROM retention_partitions
                  WHERE name NOT LIKE '%legacy') AS p
            WHERE previous_upper IS NOT NULL AND previous_upper <> lower_at
            """);
        Assert.Equal(0L, gaps);
        var sizes = await RetentionStore.SizesAsync(database.DataSource);
        Assert.Equal(["event_feed", "outbox", "psp_webhook_events", "webhook_deliveries"], sizes.Select(t => t.Table));
        Assert.All(sizes, t => Assert.True(t.AheadSeconds >= Short.Ahead.TotalSeconds - Short.PartitionWidth.TotalSeconds - 5, $"{t.Table} reaches {t.AheadSeconds} s ahead"));
    }

    // The class's database was prepared with day-wide partitions: the ones reaching past now
    // (and what they hold: these tests start from nothing) are dropped and made again two seconds wide.
    private async Task StartOverWithShortPartitionsAsync()
    {
        await using var command = database.DataSource.CreateCommand("""
            SELECT p.parent, p.name
            FROM retention_partitions AS p
            WHERE p.upper_at > now() AND p.name NOT LIKE '%legacy'
            ORDER BY p.lower_at DESC
            """);
        var future = new List<(string Parent, string Name)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                future.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (parent, name) in future)
        {
            await database.ExecuteAsync($"ALTER TABLE {parent} DETACH PARTITION {name}");
            await database.ExecuteAsync($"DROP TABLE {name}");
            await database.ExecuteAsync("DELETE FROM retention_partitions WHERE name = $1", name);
        }

        await RetentionStore.PrepareAsync(database.DataSource, Short);
    }

    private static async Task HandOffAsync(EventFeedStore feed, IReadOnlyList<string> eventIds) =>
        await feed.HandOffAsync(
            [.. eventIds.Select((id, i) => new ReplicatedEvent(id, OutboxRows.MerchantId, "ch_retention_" + id, 1, "charge.pending", "{}"))],
            [.. eventIds.Select(_ => DateTime.UtcNow)]);

    private Task<long> CountAsync(string table, IReadOnlyList<string> eventIds) =>
        database.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE event_id = ANY($1)", [eventIds.ToArray()]);
}
