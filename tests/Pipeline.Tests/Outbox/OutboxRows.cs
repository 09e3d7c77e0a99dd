using Payments.Pipeline.Charges;
using Payments.Testing;

namespace Payments.Pipeline.Tests.Outbox;

/// <summary>Outbox rows written straight into the database, as the charge pipeline would, one transaction per call.</summary>
internal static class OutboxRows
{
    public const string MerchantId = "mch_outbox_tests";

    private const string Insert = """
        WITH merchant AS (
            INSERT INTO merchants (id, name)
            VALUES ($1, $1)
            ON CONFLICT (id) DO NOTHING
        ),
        charges AS (
            INSERT INTO charges (id, merchant_id, idempotency_key, request_hash, amount, currency, payment_method, capture, last_event_sequence)
            SELECT 'ch_' || $2 || '_' || g, $1, 'key_' || $2 || '_' || g, sha256(convert_to($2 || g, 'UTF8')), 100, 'USD', 'pm_card_visa', true, 1
            FROM generate_series(1, $3) AS g
            RETURNING id, created_at
        )
        INSERT INTO outbox (event_id, merchant_id, charge_id, sequence, type, payload, created_at)
        SELECT e.event_id, $1, c.id, 1, 'charge.pending',
               event_json(e.event_id, 'charge.pending', c.created_at, c.id, 1, '{}'::jsonb), c.created_at
        FROM charges AS c
        JOIN unnest($4::text[]) WITH ORDINALITY AS e(event_id, g) ON c.id = 'ch_' || $2 || '_' || e.g
        """;

    /// <summary>Writes <paramref name="count"/> events (one charge each) in one transaction; returns the event ids.</summary>
    public static async Task<IReadOnlyList<string>> InsertAsync(TestDatabase database, int count)
    {
        var batch = Guid.NewGuid().ToString("N")[..12];
        await using var command = database.DataSource.CreateCommand(Insert);
        command.Parameters.AddWithValue(MerchantId);
        command.Parameters.AddWithValue(batch);
        command.Parameters.AddWithValue(count);
        // Minted as the pipeline mints them: the outbox is partitioned by the time in the id.
        string[] eventIds = [.. Enumerable.Range(1, count).Select(_ => Ids.NewEventId())];
        command.Parameters.AddWithValue(eventIds);
        await command.ExecuteNonQueryAsync();
        return eventIds;
    }

    public static Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        Poll.UntilAsync(condition, what, timeout);

    /// <summary>How many of these events are in the feed.</summary>
    public static async Task<long> InFeedAsync(TestDatabase database, IEnumerable<string> eventIds) =>
        await database.ScalarAsync<long>("SELECT count(*) FROM event_feed WHERE event_id = ANY($1)", [eventIds.ToArray()]);

    public static string NewSlotName() => $"test_slot_{Guid.NewGuid():N}";
}
