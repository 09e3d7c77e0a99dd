using Npgsql;
using Payments.Pipeline.Charges;
using Payments.Pipeline.PspWebhooks;
using Payments.Testing;

namespace Payments.Pipeline.Tests.Storage;

/// <summary>Every unique and check constraint of the first-round schema refuses what it should.</summary>
public sealed class SchemaConstraintTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string InsertCharge = """
        INSERT INTO charges (id, merchant_id, idempotency_key, request_hash, amount, currency, payment_method, capture, order_id)
        VALUES ($1, 'mch_schema', $2, sha256($1::bytea), $3, $4, 'pm_card_visa', true, $5)
        """;

    public async Task InitializeAsync() => await database.ExecuteAsync("""
        INSERT INTO merchants (id, name) VALUES ('mch_schema', 'Schema') ON CONFLICT DO NOTHING;
        INSERT INTO api_keys (id, merchant_id, key_hash, prefix, origin) VALUES ('key_schema', 'mch_schema', sha256('k-schema'::bytea), '', 'configured') ON CONFLICT DO NOTHING;
        """);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Same_idempotency_key_for_one_merchant_is_refused()
    {
        var key = Key();
        await InsertChargeAsync(Id(), key);

        await AssertRefusedAsync(PostgresErrorCodes.UniqueViolation, () => InsertChargeAsync(Id(), key));
    }

    [Fact]
    public async Task Same_idempotency_key_for_another_merchant_is_accepted()
    {
        var key = Key();
        await InsertChargeAsync(Id(), key);
        await database.ExecuteAsync("INSERT INTO merchants (id, name) VALUES ('mch_other', 'Other') ON CONFLICT DO NOTHING");

        await database.ExecuteAsync(InsertCharge.Replace("'mch_schema'", "'mch_other'", StringComparison.Ordinal), Id(), key, 100L, "USD", DBNull.Value);

        Assert.Equal(2L, await database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE idempotency_key = $1", key));
    }

    [Fact]
    public async Task Second_live_charge_for_an_order_is_refused()
    {
        var order = $"ORD-{Guid.NewGuid()}";
        await InsertChargeAsync(Id(), Key(), order: order);

        await AssertRefusedAsync(PostgresErrorCodes.UniqueViolation, () => InsertChargeAsync(Id(), Key(), order: order));
    }

    [Fact]
    public async Task New_charge_for_an_order_whose_charge_failed_is_accepted()
    {
        var order = $"ORD-{Guid.NewGuid()}";
        var failed = Id();
        await InsertChargeAsync(failed, Key(), order: order);
        await database.ExecuteAsync(
            "UPDATE charges SET status = 'failed', pending_reason = NULL, failure_code = 'card_declined' WHERE id = $1", failed);

        await InsertChargeAsync(Id(), Key(), order: order);

        Assert.Equal(2L, await database.ScalarAsync<long>("SELECT count(*) FROM charges WHERE order_id = $1", order));
    }

    [Theory]
    [InlineData(0L, "USD")]
    [InlineData(-1L, "USD")]
    [InlineData(100_000_000L, "USD")]
    [InlineData(100L, "usd")]
    [InlineData(100L, "US")]
    public async Task Charge_with_bad_amount_or_currency_is_refused(long amount, string currency)
    {
        await AssertRefusedAsync(PostgresErrorCodes.CheckViolation, () => InsertChargeAsync(Id(), Key(), amount, currency));
    }

    [Theory]
    [InlineData("amount_authorized = 100, amount_captured = 101")]
    [InlineData("amount_authorized = 100, amount_captured = 100, amount_refunded = 101")]
    [InlineData("amount_authorized = 1001")]
    [InlineData("amount_captured = -1")]
    [InlineData("status = 'settled'")]
    [InlineData("status = 'captured'")]
    [InlineData("pending_reason = 'because'")]
    [InlineData("status = 'failed', pending_reason = NULL")]
    public async Task Charge_update_breaking_an_amount_or_status_rule_is_refused(string assignment)
    {
        var id = Id();
        await InsertChargeAsync(id, Key(), amount: 1000);
        await database.ExecuteAsync("UPDATE charges SET pending_reason = 'awaiting_psp' WHERE id = $1", id);

        await AssertRefusedAsync(PostgresErrorCodes.CheckViolation, () => database.ExecuteAsync($"UPDATE charges SET {assignment} WHERE id = $1", id));
    }

    [Fact]
    public async Task Raw_card_number_as_payment_method_is_refused()
    {
        await AssertRefusedAsync(PostgresErrorCodes.CheckViolation, () => database.ExecuteAsync(
            InsertCharge.Replace("'pm_card_visa'", "'4242424242424242'", StringComparison.Ordinal), Id(), Key(), 100L, "USD", DBNull.Value));
    }

    [Fact]
    public async Task Same_refund_idempotency_key_for_one_merchant_is_refused()
    {
        var charge = Id();
        await InsertChargeAsync(charge, Key());
        var key = Key();
        const string insertRefund = """
            INSERT INTO refunds (id, charge_id, merchant_id, idempotency_key, request_hash, amount, currency)
            VALUES ($1, $2, 'mch_schema', $3, sha256($1::bytea), 100, 'USD')
            """;
        await database.ExecuteAsync(insertRefund, $"rf_{Guid.NewGuid():N}", charge, key);

        await AssertRefusedAsync(PostgresErrorCodes.UniqueViolation, () => database.ExecuteAsync(insertRefund, $"rf_{Guid.NewGuid():N}", charge, key));
        await AssertRefusedAsync(PostgresErrorCodes.CheckViolation, () => database.ExecuteAsync(
            insertRefund.Replace(", 100,", ", 0,", StringComparison.Ordinal), $"rf_{Guid.NewGuid():N}", charge, Key()));
    }

    [Fact]
    public async Task Outbox_refuses_an_unknown_event_type_and_an_event_id_that_dates_no_partition()
    {
        var charge = Id();
        await InsertChargeAsync(charge, Key());
        const string insertEvent = """
            INSERT INTO outbox (event_id, merchant_id, charge_id, sequence, type, payload)
            VALUES ($1, 'mch_schema', $2, 1, 'charge.pending', '{}')
            """;
        await database.ExecuteAsync(insertEvent, Ids.NewEventId(), charge);

        await AssertRefusedAsync(PostgresErrorCodes.CheckViolation, () => database.ExecuteAsync(
            insertEvent.Replace("'charge.pending'", "'charge.exploded'", StringComparison.Ordinal), Ids.NewEventId(), charge));
        // Not a UUIDv7 of the present: no partition holds it, so the database refuses it.
        await AssertRefusedAsync(PostgresErrorCodes.CheckViolation, () => database.ExecuteAsync(insertEvent, $"evt_{Guid.NewGuid():N}".Replace("evt_", "evt_f", StringComparison.Ordinal), charge));
    }

    [Fact]
    public async Task Psp_webhook_event_id_is_recorded_once_across_partitions()
    {
        var store = new PspWebhookStore(database.DataSource);
        var eventId = $"evt_{Guid.NewGuid():N}";
        PspEventRecord Record() => new(eventId, "payment_intent.succeeded", "pi_schema", "applied", null, "webhook");

        Assert.Equal([true], await store.RecordAsync([Record()]));
        // A row received in an earlier partition still counts as seen.
        await database.ExecuteAsync("UPDATE psp_webhook_events SET received_at = received_at - interval '1 day' WHERE event_id = $1", eventId);
        Assert.Equal([false], await store.RecordAsync([Record()]));
        Assert.Equal([true, false], await store.RecordAsync([Record() with { EventId = eventId + "_b" }, Record() with { EventId = eventId + "_b" }]));
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM psp_webhook_events WHERE event_id = $1", eventId));
    }

    [Fact]
    public async Task Api_key_hash_is_unique_and_merchant_fee_is_bounded()
    {
        await database.ExecuteAsync("INSERT INTO merchants (id, name) VALUES ('mch_dup', 'Dup') ON CONFLICT DO NOTHING");
        await AssertRefusedAsync(PostgresErrorCodes.UniqueViolation, () => database.ExecuteAsync(
            "INSERT INTO api_keys (id, merchant_id, key_hash, prefix, origin) VALUES ('key_dup', 'mch_dup', sha256('k-schema'::bytea), '', 'configured')"));
        await AssertRefusedAsync(PostgresErrorCodes.CheckViolation, () => database.ExecuteAsync(
            "INSERT INTO merchants (id, name, fee_bps) VALUES ('mch_fee', 'Fee', 10001)"));
    }

    private static string Id() => $"ch_{Guid.NewGuid():N}";

    private static string Key() => $"key-{Guid.NewGuid():N}";

    private Task InsertChargeAsync(string id, string key, long amount = 100, string currency = "USD", string? order = null) =>
        database.ExecuteAsync(InsertCharge, id, key, amount, currency, (object?)order ?? DBNull.Value);

    private static async Task AssertRefusedAsync(string sqlState, Func<Task> action)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(action);
        Assert.Equal(sqlState, error.SqlState);
    }
}
