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
