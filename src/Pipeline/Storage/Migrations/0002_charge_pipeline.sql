-- What the charge pipeline needs beyond the first schema: the proof clock for unknown
-- outcomes, the platform's ledger accounts, and the object shapes rendered in SQL.

-- The time after which no execution of this charge's PSP request can still be running:
-- set when the PSP answers the key with a saved response (a 500 included), since a key
-- that has a saved response never executes again. A search that comes back empty more
-- than the PSP's indexing lag after this time proves the charge was never carried out.
ALTER TABLE charges ADD COLUMN psp_key_settled_at timestamptz;

INSERT INTO ledger_accounts (id, kind) VALUES
    ('psp_receivable', 'asset'),
    ('platform_fee_revenue', 'revenue');

CREATE FUNCTION api_time(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

-- The charge object of the merchant API, rendered where the row lives, so the API's
-- answers and the outbox events can never disagree on its shape.
CREATE FUNCTION charge_json(c charges) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', c.id,
        'object', 'charge',
        'amount', c.amount,
        'currency', c.currency,
        'status', c.status,
        'pending_reason', c.pending_reason,
        'capture', c.capture,
        'amount_authorized', c.amount_authorized,
        'amount_captured', c.amount_captured,
        'amount_refunded', c.amount_refunded,
        'payment_method', c.payment_method,
        'order_id', c.order_id,
        'description', c.description,
        'failure_code', c.failure_code,
        'failure_message', c.failure_message,
        'psp_reference', c.psp_reference,
        'metadata', c.metadata,
        'created_at', api_time(c.created_at),
        'updated_at', api_time(c.updated_at))
$$;

CREATE FUNCTION event_json(event_id text, event_type text, created_at timestamptz, charge_id text, sequence integer, data jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object(
        'id', event_id,
        'object', 'event',
        'type', event_type,
        'created_at', api_time(created_at),
        'charge_id', charge_id,
        'sequence', sequence,
        'data', data)
$$;

-- Serves finding the charge of a PSP webhook that carries no metadata[charge_id].
CREATE INDEX charges_psp_reference ON charges (psp_reference) WHERE psp_reference IS NOT NULL;
