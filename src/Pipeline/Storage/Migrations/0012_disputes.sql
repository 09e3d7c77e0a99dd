-- Disputes (issue 13): a buyer's bank takes a captured payment back through the PSP. The PSP is
-- the source of truth; our dispute follows its dispute, forward only, with an event in the
-- charge's sequence for every move and a journal for every movement of money.

CREATE TABLE disputes (
    id              text PRIMARY KEY,
    charge_id       text NOT NULL REFERENCES charges (id),
    merchant_id     text NOT NULL REFERENCES merchants (id),
    -- The PSP's dispute (dp_…): one of ours per one of its, however often it is read.
    psp_reference   text NOT NULL UNIQUE,
    amount          bigint NOT NULL CHECK (amount > 0),
    currency        text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    fee             bigint NOT NULL CHECK (fee >= 0),
    reason          text NOT NULL,
    status          text NOT NULL CHECK (status IN ('needs_response', 'under_review', 'won', 'lost')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Serves GET /v1/disputes, newest first, per merchant.
CREATE INDEX disputes_merchant_created ON disputes (merchant_id, created_at DESC, id DESC);
CREATE INDEX disputes_charge ON disputes (charge_id);
-- Serves the open-disputes gauge.
CREATE INDEX disputes_open ON disputes (status) WHERE status IN ('needs_response', 'under_review');

-- At most one dispute per charge (the PSP allows one per PaymentIntent).
ALTER TABLE charges ADD COLUMN amount_disputed bigint NOT NULL DEFAULT 0 CHECK (amount_disputed >= 0),
    ADD COLUMN dispute_id text REFERENCES disputes (id);

ALTER TABLE charge_events ADD COLUMN dispute_id text REFERENCES disputes (id);
ALTER TABLE ledger_journals ADD COLUMN dispute_id text REFERENCES disputes (id);

-- The money of a dispute. Opened: the PSP takes amount + fee from the platform's balance and
-- the merchant bears both. Won: the PSP gives the amount back, and so does the merchant's
-- payable; the fee is never returned. Lost: nothing more moves.
CREATE OR REPLACE FUNCTION ledger_postings(movement text, merchant text, gross bigint, fee bigint)
RETURNS TABLE (posting_account text, posting_amount bigint)
LANGUAGE sql IMMUTABLE AS $$
    SELECT rule.account, rule.amount
    FROM (VALUES
        ('capture', 'psp_receivable', gross),
        ('capture', 'merchant_payable:' || merchant, -(gross - fee)),
        ('capture', 'platform_fee_revenue', -fee),
        ('refund', 'psp_receivable', -gross),
        ('refund', 'merchant_payable:' || merchant, gross),
        ('dispute', 'psp_receivable', -(gross + fee)),
        ('dispute', 'merchant_payable:' || merchant, gross + fee),
        ('dispute_won', 'psp_receivable', gross),
        ('dispute_won', 'merchant_payable:' || merchant, -gross)) AS rule(movement, account, amount)
    WHERE rule.movement = ledger_postings.movement AND rule.amount <> 0
$$;

CREATE FUNCTION dispute_json(d disputes) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', d.id,
        'object', 'dispute',
        'charge', d.charge_id,
        'amount', d.amount,
        'currency', d.currency,
        'fee', d.fee,
        'reason', d.reason,
        'status', d.status,
        'psp_reference', d.psp_reference,
        'created_at', api_time(d.created_at),
        'updated_at', api_time(d.updated_at))
$$;

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
        'created_at', api_time(c.created_at),
        'updated_at', api_time(c.updated_at))
$$;

CREATE OR REPLACE FUNCTION charge_event_json(e charge_events) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'object', 'charge_event',
        'id', e.id,
        'charge', e.charge_id,
        'refund', e.refund_id,
        'dispute', e.dispute_id,
        'from_status', e.from_status,
        'to_status', e.to_status,
        'actor', e.actor,
        'reason', e.reason,
        'created_at', api_time(e.created_at))
$$;

-- A dispute's moves are events of its charge, in the charge's sequence.
ALTER TABLE outbox DROP CONSTRAINT outbox_type_check,
    ADD CONSTRAINT outbox_type_check CHECK (type IN (
        'charge.pending', 'charge.authorized', 'charge.captured', 'charge.failed', 'charge.voided',
        'refund.succeeded', 'refund.failed',
        'dispute.created', 'dispute.updated', 'dispute.won', 'dispute.lost'));
