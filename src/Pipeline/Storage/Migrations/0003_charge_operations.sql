-- Capture, void and refunds: each merchant operation is a durable row with its own
-- idempotency key, created before the PSP is called; its PSP key derives from its id.

CREATE TABLE charge_operations (
    id                  text PRIMARY KEY,
    charge_id           text NOT NULL REFERENCES charges (id),
    merchant_id         text NOT NULL REFERENCES merchants (id),
    kind                text NOT NULL CHECK (kind IN ('capture', 'void')),
    idempotency_key     text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    request_hash        bytea NOT NULL CHECK (length(request_hash) = 32),
    amount              bigint CHECK (amount > 0),
    status              text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
    pending_reason      text DEFAULT 'awaiting_psp'
                        CHECK (pending_reason IN ('awaiting_psp', 'outcome_unknown', 'psp_unavailable')),
    attempt_count       integer NOT NULL DEFAULT 0 CHECK (attempt_count >= 0),
    next_attempt_at     timestamptz,
    psp_key_settled_at  timestamptz,
    failure_code        text,
    failure_message     text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    -- Keys are scoped to the merchant and the operation.
    CONSTRAINT charge_operations_merchant_kind_key UNIQUE (merchant_id, kind, idempotency_key),
    CONSTRAINT charge_operations_pending_reason_only_when_pending
        CHECK ((status = 'pending') = (pending_reason IS NOT NULL))
);

-- At most one capture or void in flight per charge: a second one while the first is
-- unknown is exactly how other systems captured twice.
CREATE UNIQUE INDEX charge_operations_one_open_per_charge
    ON charge_operations (charge_id)
    WHERE status = 'pending';

-- Serves the recovery sweep for operations.
CREATE INDEX charge_operations_pending_due ON charge_operations (next_attempt_at) WHERE status = 'pending';

ALTER TABLE refunds ADD COLUMN psp_key_settled_at timestamptz;
ALTER TABLE refunds ADD CONSTRAINT refunds_pending_reason_only_when_pending
    CHECK ((status = 'pending') = (pending_reason IS NOT NULL));
ALTER TABLE refunds ALTER COLUMN pending_reason SET DEFAULT 'awaiting_psp';

-- The refund object of the merchant API, rendered in one place (answers and events).
CREATE FUNCTION refund_json(r refunds) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', r.id,
        'object', 'refund',
        'charge', r.charge_id,
        'amount', r.amount,
        'currency', r.currency,
        'status', r.status,
        'pending_reason', r.pending_reason,
        'reason', r.reason,
        'failure_code', r.failure_code,
        'failure_message', r.failure_message,
        'psp_reference', r.psp_reference,
        'created_at', api_time(r.created_at),
        'updated_at', api_time(r.updated_at))
$$;

-- Serves finding the refund of a PSP refund webhook.
CREATE INDEX refunds_psp_reference ON refunds (psp_reference) WHERE psp_reference IS NOT NULL;

-- Serves the "operation in progress" checks: open refunds of a charge.
CREATE INDEX refunds_charge_pending ON refunds (charge_id) WHERE status = 'pending';
