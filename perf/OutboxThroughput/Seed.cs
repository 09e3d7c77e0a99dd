using Npgsql;

namespace Payments.OutboxThroughput;

/// <summary>The merchant, its endpoints and the outbox backlog, written as the charge pipeline would.</summary>
internal static class Seed
{
    private const string MerchantId = "mch_perf";

    private const string InsertMerchant = """
        INSERT INTO merchants (id, name)
        VALUES ($1, 'Outbox throughput')
        """;

    // Unreachable on purpose: the measurement queues deliveries but never sends them, so the
    // sealed secret is placeholder bytes that would never open (as long as a real one).
    private const string InsertEndpoints = """
        INSERT INTO webhook_endpoints (id, merchant_id, url, secret_key_id, secret_sealed, idempotency_key, request_hash)
        SELECT 'we_perf_' || g, $1, 'http://127.0.0.1:9/hooks/' || g, 'perf', decode(repeat('00', 98), 'hex'), 'perf-' || g, sha256(convert_to(g::text, 'UTF8'))
        FROM generate_series(1, $2) AS g
        """;

    // One committed transaction per loop turn, each with its charges and their charge.pending
    // events rendered like the real ones (the full charge object as data).
    private const string CreateFill = """
        CREATE PROCEDURE perf_fill(merchant text, total integer, per_transaction integer)
        LANGUAGE plpgsql AS $$
        DECLARE
            done integer := 0;
        BEGIN
            WHILE done < total LOOP
                WITH inserted AS (
                    INSERT INTO charges (id, merchant_id, idempotency_key, request_hash, amount, currency, payment_method,
                                         capture, order_id, metadata, last_event_sequence)
                    SELECT 'ch_perf_' || g, merchant, 'key-' || g, sha256(convert_to(g::text, 'UTF8')), 4999, 'USD', 'pm_card_visa',
                           true, 'ORD-' || g, '{"cart": "c-1042"}', 1
                    FROM generate_series(done + 1, least(done + per_transaction, total)) AS g
                    RETURNING *
                )
                INSERT INTO outbox (event_id, merchant_id, charge_id, sequence, type, payload, created_at)
                SELECT e.id, c.merchant_id, c.id, 1, 'charge.pending',
                       event_json(e.id, 'charge.pending', c.created_at, c.id, 1, charge_json(c::charges)), c.created_at
                FROM inserted AS c,
                     LATERAL (SELECT event_id_floor(clock_timestamp()) || lpad(to_hex(substr(c.id, 9)::bigint), 20, '0') AS id) AS e;
                COMMIT;
                done := done + per_transaction;
            END LOOP;
        END;
        $$
        """;

    public static async Task MerchantAndEndpointsAsync(NpgsqlDataSource dataSource, int endpoints)
    {
        await using (var merchant = dataSource.CreateCommand(InsertMerchant))
        {
            merchant.Parameters.AddWithValue(MerchantId);
            await merchant.ExecuteNonQueryAsync();
        }

        await using var insert = dataSource.CreateCommand(InsertEndpoints);
        insert.Parameters.AddWithValue(MerchantId);
        insert.Parameters.AddWithValue(endpoints);
        await insert.ExecuteNonQueryAsync();
    }

    public static async Task OutboxBacklogAsync(NpgsqlDataSource dataSource, int events, int perTransaction)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var create = new NpgsqlCommand(CreateFill, connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        // Only the set-up writes go without waiting for the disk; the hand-off is always durable.
        await using (var fast = new NpgsqlCommand("SET synchronous_commit = off", connection))
        {
            await fast.ExecuteNonQueryAsync();
        }

        await using var call = new NpgsqlCommand("CALL perf_fill($1, $2, $3)", connection) { CommandTimeout = 0 };
        call.Parameters.AddWithValue(MerchantId);
        call.Parameters.AddWithValue(events);
        call.Parameters.AddWithValue(perTransaction);
        await call.ExecuteNonQueryAsync();
    }
}
