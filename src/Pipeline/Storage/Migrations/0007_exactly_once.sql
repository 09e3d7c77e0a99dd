-- What exactly-once on every path needs from the schema.

-- A PSP answer that describes another object, or breaks our own checks, is never applied: the
-- charge, capture, void or refund waits with this reason until a true answer comes.
ALTER TABLE charges DROP CONSTRAINT charges_pending_reason_check,
    ADD CONSTRAINT charges_pending_reason_check
        CHECK (pending_reason IN ('awaiting_psp', 'outcome_unknown', 'psp_unavailable', 'psp_mismatch'));
ALTER TABLE charge_operations DROP CONSTRAINT charge_operations_pending_reason_check,
    ADD CONSTRAINT charge_operations_pending_reason_check
        CHECK (pending_reason IN ('awaiting_psp', 'outcome_unknown', 'psp_unavailable', 'psp_mismatch'));
ALTER TABLE refunds DROP CONSTRAINT refunds_pending_reason_check,
    ADD CONSTRAINT refunds_pending_reason_check
        CHECK (pending_reason IN ('awaiting_psp', 'outcome_unknown', 'psp_unavailable', 'psp_mismatch'));

-- A verified PSP webhook asks for a read of the PaymentIntent. The request is durable: set in
-- the same statement that records the webhook as applied, picked up by the recovery sweep
-- whatever the charge's status, and cleared only once a read was applied. So a full partition,
-- a failed read or a crash cannot lose a change made at the PSP.
ALTER TABLE charges ADD COLUMN follow_up_at timestamptz;

-- Serves the sweep's claim of due follow-ups.
CREATE INDEX charges_follow_up_due ON charges (follow_up_at) WHERE follow_up_at IS NOT NULL;
