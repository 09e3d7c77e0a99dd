-- Payouts (issue 16): money out to a seller's or the merchant's bank account, made exactly once
-- at the PSP (invariant 10), with a balance computed from the ledger alone.

-- Money taken from a payee's payable for a payout the PSP has not yet shown it carried out. The
-- PSP takes a payout's amount out of its balance when it creates the payout, so the money moves
-- from here to the PSP balance (psp_receivable) when the PSP first shows us the payout; a payout
-- that never reached the PSP gives it back to the payee from here.
INSERT INTO ledger_accounts (id, kind) VALUES ('payouts_in_flight', 'liability') ON CONFLICT (id) DO NOTHING;

-- Where a merchant's own payouts go (Merchants__N__BankAccount, DemoMerchant__BankAccount).
ALTER TABLE merchants ADD COLUMN bank_account text NOT NULL DEFAULT 'ba_ok' CHECK (bank_account ~ '^ba_[A-Za-z0-9_]{1,64}$');

CREATE TABLE payouts (
    id                   text PRIMARY KEY,
    merchant_id          text NOT NULL REFERENCES merchants (id),
    -- NULL: the merchant is paid itself.
    seller_id            text,
    -- The payable it draws on: the seller's or the merchant's.
    account_id           text NOT NULL REFERENCES ledger_accounts (id),
    destination          text NOT NULL CHECK (destination ~ '^ba_[A-Za-z0-9_]{1,64}$'),
    amount               bigint NOT NULL CHECK (amount > 0),
    currency             text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    status               text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'failed')),
    pending_reason       text,
    -- The PSP's Payout (po_…) and the status it last showed; set once, when the PSP first shows it.
    psp_reference        text UNIQUE,
    psp_status           text CHECK (psp_status IN ('pending', 'in_transit', 'paid', 'failed')),
    sent_at              timestamptz,
    failure_code         text,
    failure_message      text,
    idempotency_key      text NOT NULL,
    request_hash         bytea NOT NULL,
    attempt_count        integer NOT NULL DEFAULT 0,
    next_attempt_at      timestamptz,
    -- When the PSP's saved answer proved nothing more can run under the payout's key.
    psp_key_settled_at   timestamptz,
    last_event_sequence  integer NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT payouts_key UNIQUE (merchant_id, idempotency_key),
    -- A seller's payout is one of the merchant's own sellers'.
    FOREIGN KEY (merchant_id, seller_id) REFERENCES sellers (merchant_id, id),
    CHECK ((psp_reference IS NULL) = (sent_at IS NULL)),
    CHECK (status <> 'paid' OR sent_at IS NOT NULL),
    CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL)),
    CHECK ((status = 'pending') = (pending_reason IS NOT NULL))
);

CREATE INDEX payouts_due ON payouts (next_attempt_at) WHERE status = 'pending';
CREATE INDEX payouts_merchant_created ON payouts (merchant_id, created_at DESC, id DESC);
CREATE INDEX payouts_seller_created ON payouts (seller_id, created_at DESC, id DESC) WHERE seller_id IS NOT NULL;

-- A payout's moves, kept forever like the charges' (the audit trail).
CREATE TABLE payout_events (
    id           bigserial PRIMARY KEY,
    payout_id    text NOT NULL REFERENCES payouts (id),
    from_status  text,
    to_status    text NOT NULL,
    actor        text NOT NULL,
    reason       text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX payout_events_payout ON payout_events (payout_id, id);

CREATE TRIGGER payout_events_append_only BEFORE UPDATE OR DELETE ON payout_events
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite('the audit trail');
CREATE TRIGGER payout_events_no_truncate BEFORE TRUNCATE ON payout_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_rewrite('the audit trail');

ALTER TABLE ledger_journals ADD COLUMN payout_id text REFERENCES payouts (id);

-- The payouts' posting rules, beside ledger_postings (which knows charges): A is the amount, the
-- payee's account is the seller's or merchant's payable the payout draws on.
--   payout            reserved at creation:       payee +A, payouts_in_flight −A
--   payout_sent       the PSP showed it created:   payouts_in_flight +A, psp_receivable −A
--   payout_returned   failed after it was sent:    psp_receivable +A, payee −A
--   payout_cancelled  never carried out:           payouts_in_flight +A, payee −A
CREATE FUNCTION payout_postings(movement text, payee_account text, amount bigint)
RETURNS TABLE (posting_account text, posting_amount bigint)
LANGUAGE sql IMMUTABLE AS $$
    SELECT rule.account, rule.amount
    FROM (VALUES
        ('payout', payee_account, amount),
        ('payout', 'payouts_in_flight', -amount),
        ('payout_sent', 'payouts_in_flight', amount),
        ('payout_sent', 'psp_receivable', -amount),
        ('payout_returned', 'psp_receivable', amount),
        ('payout_returned', payee_account, -amount),
        ('payout_cancelled', 'payouts_in_flight', amount),
        ('payout_cancelled', payee_account, -amount)) AS rule(movement, account, amount)
    WHERE rule.movement = payout_postings.movement
$$;

-- Events of a payout go through the same outbox, feed and deliveries as a charge's, in the payout's
-- own sequence: the outbox's charge_id column names the event's stream, a charge (ch_…) or a payout
-- (pyt_…), so it no longer references charges. The publisher, the feed and the per-stream delivery
-- order need nothing else.
ALTER TABLE outbox DROP CONSTRAINT outbox_charge_id_fkey;
ALTER TABLE outbox DROP CONSTRAINT outbox_type_check,
    ADD CONSTRAINT outbox_type_check CHECK (type IN (
        'charge.pending', 'charge.authorized', 'charge.captured', 'charge.failed', 'charge.voided',
        'refund.succeeded', 'refund.failed',
        'dispute.created', 'dispute.updated', 'dispute.won', 'dispute.lost',
        'payout.pending', 'payout.paid', 'payout.failed'));

CREATE FUNCTION payout_json(p payouts) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', p.id,
        'object', 'payout',
        'seller', p.seller_id,
        'amount', p.amount,
        'currency', p.currency,
        'destination', p.destination,
        'status', p.status,
        'failure_code', p.failure_code,
        'failure_message', p.failure_message,
        'psp_reference', p.psp_reference,
        'created_at', api_time(p.created_at),
        'updated_at', api_time(p.updated_at))
$$;

-- A payout's event as the feed and webhooks carry it: the charge's shape with payout_id for charge_id.
CREATE FUNCTION payout_event_json(event_id text, event_type text, created_at timestamptz, payout_id text, sequence integer, data jsonb) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', event_id,
        'object', 'event',
        'type', event_type,
        'created_at', api_time(created_at),
        'payout_id', payout_id,
        'sequence', sequence,
        'data', data)
$$;

-- When the money of a settlement line is the platform's to use (its available_on), kept with the
-- line; a line reconciled before this migration counts from its day.
ALTER TABLE settlement_lines ADD COLUMN available_on timestamptz;

-- Payout lines are matched to our payouts, and a payout the PSP never reported is looked for.
CREATE INDEX settlement_lines_psp_object ON settlement_lines (psp_object_id, category);

-- What the PSP proves we missed of a payout: that it made it, or that it failed (after paid too).
ALTER TABLE discrepancies DROP CONSTRAINT discrepancies_kind_check,
    ADD CONSTRAINT discrepancies_kind_check CHECK (kind IN (
        'missing_at_psp', 'unknown_at_psp', 'amount_mismatch', 'currency_mismatch', 'duplicate_line', 'balance_mismatch',
        'missed_capture', 'missed_refund', 'missed_dispute', 'missed_dispute_reversal', 'missed_payout', 'missed_payout_failure'));

-- A payee's balance per currency, from the ledger alone (never a counter beside it). What the
-- payee is owed is its payable account's balance. Of that, the credits of captures not yet settled
-- (no reconciled charge line whose available_on has passed, by the database's clock) are pending;
-- the rest is available. Refunds, disputes and payouts are debits, so they reduce available at
-- once; available never goes below zero: what they take beyond it shows as less pending, and a
-- payee who owes more than all it has shows a negative pending.
CREATE FUNCTION payable_balance(account text)
RETURNS TABLE (currency text, available bigint, pending bigint)
LANGUAGE sql STABLE AS $$
    WITH owed AS (
        SELECT e.currency,
               -sum(e.amount) AS total,
               -coalesce(sum(e.amount) FILTER (
                    WHERE j.reference LIKE 'capture:%'
                      AND NOT EXISTS (
                          SELECT 1
                          FROM charges AS c
                          JOIN settlement_lines AS l ON l.payment_intent_id = c.psp_reference AND l.category = 'charge'
                          WHERE c.id = j.charge_id
                            AND l.outcome IN ('matched', 'healed')
                            AND coalesce(l.available_on, l.date::timestamptz) <= now())), 0) AS unsettled
        FROM ledger_entries AS e
        JOIN ledger_journals AS j ON j.id = e.journal_id
        WHERE e.account_id = payable_balance.account
        GROUP BY e.currency
    )
    SELECT o.currency, greatest(o.total - o.unsettled, 0)::bigint, (o.total - greatest(o.total - o.unsettled, 0))::bigint
    FROM owed AS o
$$;
