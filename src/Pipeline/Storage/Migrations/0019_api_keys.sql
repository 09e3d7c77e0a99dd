-- Merchant API keys as rows of their own (issue 15): a merchant may hold more than one key while
-- a roll's grace period runs, and each key is revoked on its own. Authentication reads this table
-- on every request (no cache), so a revoked key stops working at once on every instance.
CREATE TABLE api_keys (
    id                  text PRIMARY KEY,
    merchant_id         text NOT NULL REFERENCES merchants (id),
    -- SHA-256 of the secret key; the key itself is never stored. Unique: one key, one merchant.
    -- Its index serves authentication, one lookup per request.
    key_hash            bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    -- The key's first characters (sk_live_ab12), to tell keys apart in a list; far too few to use.
    -- Empty for keys moved here from merchants.api_key_hash (only their hash was known).
    prefix              text NOT NULL CHECK (length(prefix) <= 16),
    -- configured: seeded from configuration, replaced when the configured key changes;
    -- rolled: made through the operator's API.
    origin              text NOT NULL CHECK (origin IN ('configured', 'rolled')),
    created_at          timestamptz NOT NULL DEFAULT now(),
    -- Null while the key works without end; a time in the future is a roll's grace period. Read
    -- against the database's clock (now()), the one clock every instance shares.
    revoked_at          timestamptz,
    -- The operator's Idempotency-Key of the roll that made the key, and its request's hash.
    roll_key            text CHECK (length(roll_key) BETWEEN 1 AND 255),
    roll_request_hash   bytea CHECK (length(roll_request_hash) = 32),
    UNIQUE (merchant_id, roll_key)
);

-- Serves the operator's list of a merchant's keys, and the revocation of its other keys on a roll.
CREATE INDEX api_keys_merchant ON api_keys (merchant_id, created_at);

INSERT INTO api_keys (id, merchant_id, key_hash, prefix, origin, created_at)
SELECT 'key_' || replace(gen_random_uuid()::text, '-', ''), id, api_key_hash, '', 'configured', created_at
FROM merchants;

ALTER TABLE merchants DROP COLUMN api_key_hash;

-- The operator API's key object, rendered where the rows live: never the secret, nor its hash.
CREATE FUNCTION api_key_json(k api_keys) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', k.id,
        'object', 'api_key',
        'merchant', k.merchant_id,
        'prefix', k.prefix,
        'origin', k.origin,
        'status', CASE WHEN k.revoked_at IS NULL THEN 'active'
                       WHEN k.revoked_at > now() THEN 'expiring'
                       ELSE 'revoked' END,
        'created_at', api_time(k.created_at),
        'revoked_at', CASE WHEN k.revoked_at IS NULL THEN NULL ELSE api_time(k.revoked_at) END)
$$;

-- The outbox's publication, made here by the schema's owner: CREATE PUBLICATION … FOR TABLE
-- needs the table's owner, and where the service connects as a role that owns nothing (compose's
-- payments_app) it could not make it itself. The publisher still makes one of another name.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'payments_outbox') THEN
        CREATE PUBLICATION payments_outbox FOR TABLE outbox WITH (publish = 'insert');
    END IF;
END
$$;
