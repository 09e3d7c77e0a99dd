-- Suspected duplicates (merchant contract, "suspected duplicates"): a charge made with a new
-- Idempotency-Key and no order_id, like one of the merchant's recent live charges, names it.
-- Found in the group commit's own statement, so a refused one is never inserted.

ALTER TABLE charges ADD COLUMN suspected_duplicate_of text REFERENCES charges (id);

-- The look-up of "the same charge, lately" for each new intent: the merchant's charges by
-- payment method, amount and currency, newest first.
CREATE INDEX charges_duplicate_lookup ON charges (merchant_id, payment_method, amount, currency, created_at DESC);

ALTER TABLE merchants ADD COLUMN duplicate_policy text NOT NULL DEFAULT 'flag'
    CHECK (duplicate_policy IN ('flag', 'refuse'));

CREATE OR REPLACE FUNCTION charge_json(c charges) RETURNS jsonb
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
        'amount_disputed', c.amount_disputed,
        'dispute', c.dispute_id,
        'payment_method', c.payment_method,
        'order_id', c.order_id,
        'description', c.description,
        'failure_code', c.failure_code,
        'failure_message', c.failure_message,
        'cancellation_reason', c.cancellation_reason,
        'psp_reference', c.psp_reference,
        'metadata', c.metadata,
        'suspected_duplicate_of', c.suspected_duplicate_of,
        'created_at', api_time(c.created_at),
        'updated_at', api_time(c.updated_at))
$$;
