-- The first round's schema: merchants, the charge intent rows and their audit trail,
-- refunds, the double-entry ledger, the transactional outbox and PSP webhook dedup.

CREATE TABLE merchants (
    id              text PRIMARY KEY,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- SHA-256 of the secret key; the key itself is never stored.
    api_key_hash    bytea NOT NULL UNIQUE CHECK (length(api_key_hash) = 32),
    fee_bps         integer NOT NULL DEFAULT 0 CHECK (fee_bps BETWEEN 0 AND 10000),
    fee_fixed       bigint NOT NULL DEFAULT 0 CHECK (fee_fixed >= 0),
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE charges (
    id                  text PRIMARY KEY,
    merchant_id         text NOT NULL REFERENCES merchants (id),
    idempotency_key     text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    request_hash        bytea NOT NULL CHECK (length(request_hash) = 32),
    amount              bigint NOT NULL CHECK (amount > 0 AND amount <= 99999999),
    currency            text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    payment_method      text NOT NULL CHECK (payment_method ~ '^pm_[A-Za-z0-9_]{1,250}$'),
    capture             boolean NOT NULL,
    order_id            text CHECK (length(order_id) BETWEEN 1 AND 128),
    description         text CHECK (length(description) <= 1000),
    metadata            jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    status              text NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'authorized', 'captured', 'failed', 'voided')),
    pending_reason      text DEFAULT 'awaiting_psp'
                        CHECK (pending_reason IN ('awaiting_psp', 'outcome_unknown', 'psp_unavailable')),
    psp_reference       text,
    attempt_count       integer NOT NULL DEFAULT 0 CHECK (attempt_count >= 0),
    next_attempt_at     timestamptz,
    failure_code        text,
    failure_message     text,
    amount_authorized   bigint NOT NULL DEFAULT 0 CHECK (amount_authorized >= 0),
    amount_captured     bigint NOT NULL DEFAULT 0 CHECK (amount_captured >= 0),
    amount_refunded     bigint NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0),
    -- The last per-charge event sequence handed out; the outbox takes the next one.
    last_event_sequence integer NOT NULL DEFAULT 0 CHECK (last_event_sequence >= 0),
    version             integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT charges_merchant_idempotency_key UNIQUE (merchant_id, idempotency_key),
    CONSTRAINT charges_captured_within_authorized CHECK (amount_captured <= amount_authorized),
    CONSTRAINT charges_authorized_within_amount CHECK (amount_authorized <= amount),
    CONSTRAINT charges_refunded_within_captured CHECK (amount_refunded <= amount_captured),
    -- A pending charge says why; a settled one carries no reason.
    CONSTRAINT charges_pending_reason_only_when_pending
        CHECK ((status = 'pending') = (pending_reason IS NOT NULL)),
    CONSTRAINT charges_failed_has_code CHECK (status <> 'failed' OR failure_code IS NOT NULL)
);

-- One live charge per order: the guard against a client that mints a new key per retry.
CREATE UNIQUE INDEX charges_merchant_order_live
    ON charges (merchant_id, order_id)
    WHERE order_id IS NOT NULL AND status <> 'failed';

-- Serves GET /v1/charges (newest first, per merchant).
CREATE INDEX charges_merchant_created ON charges (merchant_id, created_at DESC, id DESC);

-- Serves the recovery sweep: pending charges whose next attempt is due.
CREATE INDEX charges_pending_due ON charges (next_attempt_at) WHERE status = 'pending';

CREATE TABLE refunds (
    id                text PRIMARY KEY,
    charge_id         text NOT NULL REFERENCES charges (id),
    merchant_id       text NOT NULL REFERENCES merchants (id),
    idempotency_key   text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    request_hash      bytea NOT NULL CHECK (length(request_hash) = 32),
    amount            bigint NOT NULL CHECK (amount > 0),
    currency          text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    reason            text CHECK (reason IN ('requested_by_customer', 'duplicate', 'fraudulent')),
    status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
    pending_reason    text CHECK (pending_reason IN ('awaiting_psp', 'outcome_unknown', 'psp_unavailable')),
    psp_reference     text,
    attempt_count     integer NOT NULL DEFAULT 0 CHECK (attempt_count >= 0),
    next_attempt_at   timestamptz,
    failure_code      text,
    failure_message   text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT refunds_merchant_idempotency_key UNIQUE (merchant_id, idempotency_key)
);

-- Serves GET /v1/charges/{id}/refunds and the refunded-sum check.
CREATE INDEX refunds_charge ON refunds (charge_id, created_at);

-- Serves the recovery sweep for refunds.
CREATE INDEX refunds_pending_due ON refunds (next_attempt_at) WHERE status = 'pending';

-- The audit trail: one row per state change, never rewritten.
CREATE TABLE charge_events (
    id           bigserial PRIMARY KEY,
    charge_id    text NOT NULL REFERENCES charges (id),
    refund_id    text REFERENCES refunds (id),
    from_status  text,
    to_status    text NOT NULL,
    actor        text NOT NULL CHECK (actor IN ('api', 'pipeline', 'psp_webhook', 'reconciler')),
    reason       text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Serves reading one charge's history.
CREATE INDEX charge_events_charge ON charge_events (charge_id, id);

-- The ledger. Accounts are per purpose (and per merchant for what we owe them);
-- amounts are signed minor units: debits positive, credits negative.
CREATE TABLE ledger_accounts (
    id           text PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('asset', 'liability', 'revenue', 'expense')),
    merchant_id  text REFERENCES merchants (id),
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ledger_journals (
    id           bigserial PRIMARY KEY,
    -- What the journal records, e.g. 'capture:ch_…' or 'refund:rf_…': posting twice is refused.
    reference    text NOT NULL UNIQUE,
    charge_id    text REFERENCES charges (id),
    refund_id    text REFERENCES refunds (id),
    description  text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ledger_entries (
    id           bigserial PRIMARY KEY,
    journal_id   bigint NOT NULL REFERENCES ledger_journals (id),
    account_id   text NOT NULL REFERENCES ledger_accounts (id),
    amount       bigint NOT NULL CHECK (amount <> 0),
    currency     text NOT NULL CHECK (currency ~ '^[A-Z]{3}$')
);

-- Serves balances per account.
CREATE INDEX ledger_entries_account ON ledger_entries (account_id, currency);

-- Serves the balance check of one journal.
CREATE INDEX ledger_entries_journal ON ledger_entries (journal_id);

-- Invariant 5: the ledger is append-only; corrections are new journals. The database
-- itself refuses to rewrite history, whatever the application does.
CREATE FUNCTION ledger_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER ledger_journals_append_only
    BEFORE UPDATE OR DELETE ON ledger_journals
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE TRIGGER ledger_journals_no_truncate
    BEFORE TRUNCATE ON ledger_journals
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

CREATE TRIGGER ledger_entries_append_only
    BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE TRIGGER ledger_entries_no_truncate
    BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

-- A journal must balance per currency and have at least two entries. Checked at commit
-- (deferred), because its entries are inserted one statement at a time.
CREATE FUNCTION ledger_assert_journal_balanced(journal bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    unbalanced text;
    entry_count integer;
BEGIN
    SELECT count(*) INTO entry_count FROM ledger_entries WHERE journal_id = journal;
    IF entry_count < 2 THEN
        RAISE EXCEPTION 'ledger journal % has % entries; at least two are required', journal, entry_count
            USING ERRCODE = 'check_violation';
    END IF;

    SELECT string_agg(currency || ' ' || total, ', ') INTO unbalanced
    FROM (
        SELECT currency, sum(amount) AS total
        FROM ledger_entries
        WHERE journal_id = journal
        GROUP BY currency
        HAVING sum(amount) <> 0
    ) AS sums;
    IF unbalanced IS NOT NULL THEN
        RAISE EXCEPTION 'ledger journal % does not balance: %', journal, unbalanced
            USING ERRCODE = 'check_violation';
    END IF;
END;
$$;

CREATE FUNCTION ledger_journal_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ledger_assert_journal_balanced(NEW.id);
    RETURN NULL;
END;
$$;

CREATE FUNCTION ledger_entry_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ledger_assert_journal_balanced(NEW.journal_id);
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER ledger_journals_balanced
    AFTER INSERT ON ledger_journals
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_journal_inserted();

CREATE CONSTRAINT TRIGGER ledger_entries_balanced
    AFTER INSERT ON ledger_entries
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_inserted();

-- The transactional outbox: written in the same transaction as the state change it
-- announces (invariant 6), streamed out by logical replication.
CREATE TABLE outbox (
    id           bigserial PRIMARY KEY,
    event_id     text NOT NULL UNIQUE,
    merchant_id  text NOT NULL REFERENCES merchants (id),
    charge_id    text NOT NULL REFERENCES charges (id),
    sequence     integer NOT NULL CHECK (sequence >= 1),
    type         text NOT NULL CHECK (type IN ('charge.pending', 'charge.authorized', 'charge.captured', 'charge.failed',
                                                'charge.voided', 'refund.succeeded', 'refund.failed')),
    payload      jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT outbox_charge_sequence UNIQUE (charge_id, sequence)
);

-- PSP webhooks seen, by their event id: a redelivery is acknowledged and changes nothing.
CREATE TABLE psp_webhook_events (
    event_id     text PRIMARY KEY,
    type         text NOT NULL,
    object_id    text,
    received_at  timestamptz NOT NULL DEFAULT now(),
    outcome      text NOT NULL CHECK (outcome IN ('applied', 'stale', 'unknown_object', 'ignored'))
);
