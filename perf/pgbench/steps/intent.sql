-- ChargeStore.InsertIntents for one intent: charge row, audit row and charge.pending event.
WITH input AS (
    SELECT 'ch_pgb_' || :n AS id, 'm_pgbench'::text AS merchant_id, 'pgb-' || :n AS idempotency_key,
           sha256(convert_to('pgb-' || :n, 'UTF8')) AS request_hash, :amount::bigint AS amount, 'USD'::text AS currency,
           'pm_card_visa'::text AS payment_method, true AS capture, 'pgb-' || :n AS order_id, NULL::text AS description,
           '{"load_run": "pgbench"}'::jsonb AS metadata, event_id_floor(now()) || lpad(to_hex(:n::bigint), 19, '0') || '1' AS event_id
),
inserted AS (
    INSERT INTO charges (id, merchant_id, idempotency_key, request_hash, amount, currency, payment_method,
                         capture, order_id, description, metadata, status, pending_reason,
                         next_attempt_at, last_event_sequence)
    SELECT id, merchant_id, idempotency_key, request_hash, amount, currency, payment_method,
           capture, order_id, description, metadata, 'pending', 'awaiting_psp',
           now() + interval '10 seconds', 1
    FROM input
    ON CONFLICT DO NOTHING
    RETURNING *
),
audit AS (
    INSERT INTO charge_events (charge_id, from_status, to_status, actor, reason)
    SELECT id, NULL, 'pending', 'api', 'intent recorded'
    FROM inserted
),
events AS (
    INSERT INTO outbox (event_id, merchant_id, charge_id, sequence, type, payload, created_at)
    SELECT i.event_id, c.merchant_id, c.id, 1, 'charge.pending',
           event_json(i.event_id, 'charge.pending', c.created_at, c.id, 1, charge_json(c::charges)), c.created_at
    FROM inserted AS c
    JOIN input AS i ON i.id = c.id
)
SELECT id, charge_json(inserted::charges)::text
FROM inserted;
