-- Settlement reconciliation (issue 14): every line of the PSP's report matched to what we
-- recorded, its fee posted, what the PSP proves we missed healed, the rest kept as discrepancies.

CREATE TABLE reconciliation_runs (
    id                  text PRIMARY KEY,
    date                date NOT NULL,
    status              text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
    lines               integer NOT NULL DEFAULT 0,
    matched             integer NOT NULL DEFAULT 0,
    healed              integer NOT NULL DEFAULT 0,
    discrepancies       integer NOT NULL DEFAULT 0,
    failure_reason      text,
    -- [{ "amount", "currency" }], as the operator's API shows them.
    psp_balance         jsonb NOT NULL DEFAULT '[]',
    ledger_psp_balance  jsonb NOT NULL DEFAULT '[]',
    idempotency_key     text UNIQUE,
    request_hash        bytea,
    created_at          timestamptz NOT NULL DEFAULT now(),
    completed_at        timestamptz,
    CHECK ((status = 'failed') = (failure_reason IS NOT NULL))
);

-- Two instances never run one date at once: the second insert of a running run fails.
CREATE UNIQUE INDEX reconciliation_runs_one_running ON reconciliation_runs (date) WHERE status = 'running';
CREATE INDEX reconciliation_runs_created ON reconciliation_runs (created_at DESC, id DESC);

-- Every report line once, whichever run saw it first: a date run again matches nothing twice.
CREATE TABLE settlement_lines (
    balance_transaction_id  text PRIMARY KEY,
    date                    date NOT NULL,
    run_id                  text NOT NULL REFERENCES reconciliation_runs (id),
    category                text NOT NULL,
    payment_intent_id       text,
    psp_object_id           text,
    gross                   bigint NOT NULL,
    fee                     bigint NOT NULL,
    net                     bigint NOT NULL,
    currency                text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    outcome                 text NOT NULL CHECK (outcome IN ('matched', 'healed', 'discrepancy'))
);

CREATE INDEX settlement_lines_date ON settlement_lines (date);

CREATE TABLE discrepancies (
    id                 text PRIMARY KEY,
    -- Open kinds (the contract's), and the healed ones: a movement the PSP proves we had missed.
    kind               text NOT NULL CHECK (kind IN ('missing_at_psp', 'unknown_at_psp', 'amount_mismatch', 'currency_mismatch',
                                                     'duplicate_line', 'balance_mismatch',
                                                     'missed_capture', 'missed_refund', 'missed_dispute', 'missed_dispute_reversal')),
    status             text NOT NULL CHECK (status IN ('open', 'healed', 'resolved')),
    run_id             text NOT NULL REFERENCES reconciliation_runs (id),
    charge_id          text REFERENCES charges (id),
    psp_reference      text,
    expected_amount    bigint,
    expected_currency  text,
    reported_amount    bigint,
    reported_currency  text,
    detail             text NOT NULL,
    resolution         text,
    -- What it is about, so a run made again records it once: the report line, or the date and currency of a balance.
    subject            text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    resolved_at        timestamptz,
    CONSTRAINT discrepancies_once UNIQUE (kind, subject),
    CHECK ((status = 'resolved') = (resolution IS NOT NULL))
);

CREATE INDEX discrepancies_created ON discrepancies (created_at DESC, id DESC);

-- The operator API's objects, rendered where the rows live.
CREATE FUNCTION reconciliation_run_json(r reconciliation_runs) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', r.id,
        'object', 'reconciliation_run',
        'date', to_char(r.date, 'YYYY-MM-DD'),
        'status', r.status,
        'lines', r.lines,
        'matched', r.matched,
        'healed', r.healed,
        'discrepancies', r.discrepancies,
        'failure_reason', r.failure_reason,
        'psp_balance', r.psp_balance,
        'ledger_psp_balance', r.ledger_psp_balance,
        'created_at', api_time(r.created_at),
        'completed_at', CASE WHEN r.completed_at IS NULL THEN NULL ELSE api_time(r.completed_at) END)
$$;

CREATE FUNCTION discrepancy_json(d discrepancies) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', d.id,
        'object', 'discrepancy',
        'kind', d.kind,
        'status', d.status,
        'run', d.run_id,
        'charge', d.charge_id,
        'psp_reference', d.psp_reference,
        'expected', CASE WHEN d.expected_amount IS NULL THEN NULL
                         ELSE jsonb_build_object('amount', d.expected_amount, 'currency', d.expected_currency) END,
        'reported', CASE WHEN d.reported_amount IS NULL THEN NULL
                         ELSE jsonb_build_object('amount', d.reported_amount, 'currency', d.reported_currency) END,
        'detail', d.detail,
        'resolution', d.resolution,
        'created_at', api_time(d.created_at))
$$;
