-- What happens at the PSP after a charge (issue 13): why a charge was voided, and refunds
-- made at the PSP directly.

-- 'requested' for a void asked through this API or made at the PSP directly, 'expired' for an
-- authorization the PSP canceled when it expired; null on every charge that is not voided.
ALTER TABLE charges ADD COLUMN cancellation_reason text
    CHECK (cancellation_reason IN ('requested', 'expired')),
    ADD CONSTRAINT charges_cancellation_reason_only_when_voided
        CHECK (cancellation_reason IS NULL OR status = 'voided');

-- A refund made at the PSP directly (no metadata[refund_id] of ours) is recorded as ours with
-- origin 'psp': it has no merchant request, so no idempotency key or request hash.
ALTER TABLE refunds ADD COLUMN origin text NOT NULL DEFAULT 'api' CHECK (origin IN ('api', 'psp')),
    ALTER COLUMN idempotency_key DROP NOT NULL,
    ALTER COLUMN request_hash DROP NOT NULL,
    ADD CONSTRAINT refunds_request_only_from_the_api
        CHECK ((origin = 'api') = (idempotency_key IS NOT NULL AND request_hash IS NOT NULL));

-- A move made by someone at the PSP directly (its dashboard), not through this API.
ALTER TABLE charge_events DROP CONSTRAINT charge_events_actor_check,
    ADD CONSTRAINT charge_events_actor_check CHECK (actor IN ('api', 'pipeline', 'psp_webhook', 'psp', 'reconciler'));

-- One of our refunds per PSP refund: a PSP refund read twice (its webhook and the event log,
-- two instances) is recorded once.
DROP INDEX refunds_psp_reference;
CREATE UNIQUE INDEX refunds_psp_reference ON refunds (psp_reference) WHERE psp_reference IS NOT NULL;

-- The charge object shows cancellation_reason from 0012_disputes.sql on, which renders it with
-- the dispute's fields.

CREATE OR REPLACE FUNCTION refund_json(r refunds) RETURNS jsonb
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
        'origin', r.origin,
        'failure_code', r.failure_code,
        'failure_message', r.failure_message,
        'psp_reference', r.psp_reference,
        'created_at', api_time(r.created_at),
        'updated_at', api_time(r.updated_at))
$$;
