-- Sellers and split payments (issue 16; merchant contract, "Sellers and split payments"). A
-- seller belongs to one merchant and has its own payable in the ledger, made with the seller.

CREATE TABLE sellers (
    id              text PRIMARY KEY,
    merchant_id     text NOT NULL REFERENCES merchants (id),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    bank_account    text NOT NULL CHECK (bank_account ~ '^ba_[A-Za-z0-9_]{1,64}$'),
    idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    request_hash    bytea NOT NULL CHECK (length(request_hash) = 32),
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (merchant_id, idempotency_key),
    -- The target of a split's foreign key: a charge's split names a seller of the charge's merchant.
    UNIQUE (merchant_id, id)
);

-- Serves GET /v1/sellers, newest first, per merchant.
CREATE INDEX sellers_merchant_created ON sellers (merchant_id, created_at DESC, id DESC);

CREATE FUNCTION seller_json(s sellers) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', s.id,
        'object', 'seller',
        'name', s.name,
        'bank_account', s.bank_account,
        'created_at', api_time(s.created_at))
$$;

-- A charge's splits: what each named seller is owed of its capture. Written with the charge's
-- intent, in the same statement, and fixed from then on: every later journal of the charge
-- (refunds, disputes) divides its money by them. The merchant is the charge's (the statement
-- takes it from the inserted row), so the foreign key to (merchant, seller) refuses a seller of
-- another merchant. At most ten: positions 1 to 10, one split per position.
CREATE TABLE charge_splits (
    charge_id    text NOT NULL REFERENCES charges (id),
    merchant_id  text NOT NULL,
    seller_id    text NOT NULL,
    position     smallint NOT NULL CHECK (position BETWEEN 1 AND 10),
    amount       bigint NOT NULL CHECK (amount >= 1),
    PRIMARY KEY (charge_id, seller_id),
    CONSTRAINT charge_splits_position UNIQUE (charge_id, position),
    CONSTRAINT charge_splits_seller_of_merchant FOREIGN KEY (merchant_id, seller_id) REFERENCES sellers (merchant_id, id)
);

-- The sum of the charge's splits, on the charge itself: the capture check reads it with the row,
-- and the charge's JSON and journals look at charge_splits only when it is not zero, so a charge
-- without splits costs nothing more than before. Checked against charge_splits at commit.
ALTER TABLE charges ADD COLUMN amount_split bigint NOT NULL DEFAULT 0
    CONSTRAINT charges_split_within_amount CHECK (amount_split >= 0 AND amount_split <= amount);

CREATE FUNCTION charge_splits_assert_total(charge text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    declared bigint;
    split bigint;
BEGIN
    SELECT c.amount_split, (SELECT coalesce(sum(s.amount), 0) FROM charge_splits AS s WHERE s.charge_id = c.id)
    INTO declared, split
    FROM charges AS c
    WHERE c.id = charge;
    IF declared IS DISTINCT FROM split THEN
        RAISE EXCEPTION 'charge %: amount_split is % but its splits sum to %', charge, declared, split
            USING ERRCODE = 'check_violation';
    END IF;
END;
$$;

CREATE FUNCTION charge_split_total_checked() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'charges' THEN
        PERFORM charge_splits_assert_total(NEW.id);
    ELSE
        PERFORM charge_splits_assert_total(NEW.charge_id);
    END IF;
    RETURN NULL;
END;
$$;

-- Deferred, because the charge and its splits are rows of two tables. A charge inserted without
-- splits queues no check (the WHEN is evaluated as the row is inserted), and no statement of the
-- service sets amount_split after that, so its moves queue none either.
CREATE CONSTRAINT TRIGGER charges_split_total
    AFTER INSERT ON charges
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.amount_split > 0) EXECUTE FUNCTION charge_split_total_checked();

CREATE CONSTRAINT TRIGGER charges_split_total_changed
    AFTER UPDATE OF amount_split ON charges
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION charge_split_total_checked();

CREATE CONSTRAINT TRIGGER charge_splits_total
    AFTER INSERT ON charge_splits
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION charge_split_total_checked();

CREATE FUNCTION charge_splits_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a charge''s splits are fixed once recorded: % on charge_splits is refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER charge_splits_fixed
    BEFORE UPDATE OR DELETE ON charge_splits
    FOR EACH ROW EXECUTE FUNCTION charge_splits_refuse_change();

CREATE FUNCTION split_json(s charge_splits) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('seller', s.seller_id, 'amount', s.amount)
$$;

-- Not inlinable (it reads a table), so charge_json calls it only for a charge that has splits.
CREATE FUNCTION charge_splits_json(charge text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(split_json(s) ORDER BY s.position), '[]'::jsonb)
    FROM charge_splits AS s
    WHERE s.charge_id = charge
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
        'suspected_duplicate_of', c.suspected_duplicate_of,
        'splits', CASE WHEN c.amount_split = 0 THEN '[]'::jsonb ELSE charge_splits_json(c.id) END,
        'created_at', api_time(c.created_at),
        'updated_at', api_time(c.updated_at))
$$;

-- The posting rules with splits. A movement of G on a charge whose splits were captured out of
-- C gives each seller floor(G × split / C) (at capture G = C, so exactly its split) and the
-- merchant the rest: captured less the platform fee less the sellers' splits; a refund, a
-- dispute (plus its fee, from the merchant alone) or a dispute won, less the sellers' shares.
-- Rounding down leaves the odd minor units with the merchant, who bears a refund or dispute
-- first. The merchant's entry is always the remainder, so every journal balances whatever the
-- amounts: a capture made at the PSP for less than the splits plus the fee still pays the
-- sellers their splits and leaves the merchant's entry a debit (the merchant owes the difference).
-- captured is null for a charge without splits (and for movements of no charge): charge_splits
-- is then not read at all (a one-time filter in the plan).
CREATE FUNCTION ledger_split_shares(movement text, charge text, gross bigint, captured bigint)
RETURNS TABLE (seller_id text, share bigint)
LANGUAGE sql STABLE AS $$
    SELECT s.seller_id, (gross * s.amount) / captured
    FROM charge_splits AS s
    WHERE s.charge_id = charge
      AND captured > 0
      AND movement IN ('capture', 'refund', 'dispute', 'dispute_won')
$$;

CREATE FUNCTION ledger_postings(movement text, merchant text, gross bigint, fee bigint, charge text, captured bigint)
RETURNS TABLE (posting_account text, posting_amount bigint)
LANGUAGE sql STABLE AS $$
    SELECT rule.account, rule.amount
    FROM (SELECT coalesce(sum(share), 0)::bigint AS total
          FROM ledger_split_shares(movement, charge, gross, captured)) AS sellers,
         LATERAL (VALUES
            ('capture', 'psp_receivable', gross),
            ('capture', 'merchant_payable:' || merchant, -(gross - fee - sellers.total)),
            ('capture', 'platform_fee_revenue', -fee),
            ('refund', 'psp_receivable', -gross),
            ('refund', 'merchant_payable:' || merchant, gross - sellers.total),
            ('dispute', 'psp_receivable', -(gross + fee)),
            ('dispute', 'merchant_payable:' || merchant, gross - sellers.total + fee),
            ('dispute_won', 'psp_receivable', gross),
            ('dispute_won', 'merchant_payable:' || merchant, -(gross - sellers.total)),
            ('psp_fee', 'psp_fees', fee),
            ('psp_fee', 'psp_receivable', -fee)) AS rule(movement, account, amount)
    WHERE rule.movement = ledger_postings.movement AND rule.amount <> 0
    UNION ALL
    SELECT 'seller_payable:' || s.seller_id, CASE WHEN movement IN ('capture', 'dispute_won') THEN -s.share ELSE s.share END
    FROM ledger_split_shares(movement, charge, gross, captured) AS s
    WHERE s.share <> 0
$$;

-- The rules without a charge's splits (the PSP's fees, the pgbench copy): the same function, so
-- there is one table of rules. STABLE like what it calls, or it would not be inlined.
CREATE OR REPLACE FUNCTION ledger_postings(movement text, merchant text, gross bigint, fee bigint)
RETURNS TABLE (posting_account text, posting_amount bigint)
LANGUAGE sql STABLE AS $$
    SELECT p.posting_account, p.posting_amount
    FROM ledger_postings(movement, merchant, gross, fee, NULL::text, NULL::bigint) AS p
$$;
