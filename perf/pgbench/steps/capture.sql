-- ChargeStore.ApplyTransition from pending to captured, as for a fresh charge (version 1: the
-- insert's lease covers the first PSP call, so no attempt mark precedes it): charge, audit row,
-- charge.captured event and the capture's ledger journal with its entries.
WITH moved AS (
    UPDATE charges
    SET status = 'captured', pending_reason = NULL, psp_reference = coalesce('pi_pgb_' || :n, psp_reference),
        amount_authorized = :amount, amount_captured = :amount, failure_code = NULL, failure_message = NULL,
        last_event_sequence = last_event_sequence + 1, version = version + 1,
        attempt_count = greatest(attempt_count, 1), next_attempt_at = NULL, updated_at = now()
    WHERE id = 'ch_pgb_' || :n AND status = 'pending' AND version = 1
    RETURNING *
),
audit AS (
    INSERT INTO charge_events (charge_id, from_status, to_status, actor, reason)
    SELECT id, 'pending', status, 'pipeline', 'PaymentIntent succeeded'
    FROM moved
),
events AS (
    INSERT INTO outbox (event_id, merchant_id, charge_id, sequence, type, payload, created_at)
    SELECT event_id_floor(now()) || lpad(to_hex(:n::bigint), 19, '0') || '2', merchant_id, id, last_event_sequence, 'charge.' || status,
           event_json(event_id_floor(now()) || lpad(to_hex(:n::bigint), 19, '0') || '2', 'charge.' || status, updated_at, id, last_event_sequence, charge_json(moved::charges)), updated_at
    FROM moved
),
journal AS (
    INSERT INTO ledger_journals (reference, charge_id, description)
    SELECT 'capture:' || id, id, 'capture of ' || id
    FROM moved
    WHERE :amount::bigint > 0
    RETURNING id, charge_id
),
entries AS (
    INSERT INTO ledger_entries (journal_id, account_id, amount, currency)
    SELECT j.id, p.posting_account, p.posting_amount, m.currency
    FROM journal AS j
    JOIN moved AS m ON m.id = j.charge_id
    CROSS JOIN LATERAL ledger_postings('capture', m.merchant_id, :amount::bigint, :fee::bigint, m.id,
                                       CASE WHEN m.amount_split > 0 THEN m.amount_captured END) AS p
)
SELECT charge_json(moved::charges)::text
FROM moved;
