-- The outbox publisher's side: the events feed in commit order, merchant webhook
-- endpoints and their delivery queue. The publication and the replication slot are not
-- made here: their names are settings, and the publisher creates both when missing.

-- Every outbox event once, recorded by the publisher when logical replication hands it
-- over. `position` is assigned by the publisher in the order transactions committed (the
-- order the slot streams them), never by a sequence: a bigserial is taken at insert time,
-- so a slow transaction can commit a smaller id after a larger one is already visible, and
-- a cursor over it would skip that event for good.
CREATE TABLE event_feed (
    position      bigint PRIMARY KEY CHECK (position >= 1),
    event_id      text NOT NULL UNIQUE,
    merchant_id   text NOT NULL,
    charge_id     text NOT NULL,
    sequence      integer NOT NULL CHECK (sequence >= 1),
    type          text NOT NULL,
    -- The event object exactly as the outbox rendered it (jsonb's text form), kept as text:
    -- every delivery and every page of the feed sends the same bytes, with no re-parsing.
    payload       text NOT NULL,
    committed_at  timestamptz NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now()
);

-- Serves GET /v1/events: one merchant's events after a position.
CREATE INDEX event_feed_merchant_position ON event_feed (merchant_id, position);

-- Which slot has had its one-time backfill: events committed before a slot existed are
-- never streamed by it, so they are copied from the outbox once, when the slot is new.
CREATE TABLE outbox_slots (
    slot_name     text PRIMARY KEY,
    backfilled    boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    backfilled_at timestamptz
);

CREATE TABLE webhook_endpoints (
    id               text PRIMARY KEY,
    merchant_id      text NOT NULL REFERENCES merchants (id),
    url              text NOT NULL CHECK (url ~* '^https?://' AND length(url) <= 2048),
    -- The HMAC key must be usable to sign, so it cannot be a hash. It is shown once (the
    -- create answer and its idempotent replays) and never logged.
    secret           text NOT NULL CHECK (secret ~ '^whsec_[0-9a-f]{64}$'),
    status           text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'deleted')),
    idempotency_key  text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    request_hash     bytea NOT NULL CHECK (length(request_hash) = 32),
    created_at       timestamptz NOT NULL DEFAULT now(),
    deleted_at       timestamptz,
    CONSTRAINT webhook_endpoints_merchant_idempotency_key UNIQUE (merchant_id, idempotency_key)
);

-- Serves the hand-off (a merchant's enabled endpoints) and GET /v1/webhook_endpoints.
CREATE INDEX webhook_endpoints_merchant ON webhook_endpoints (merchant_id, created_at DESC, id DESC) WHERE status = 'enabled';

-- One row per event and endpoint. A row stays 'pending' while it is being attempted (the
-- claim only moves next_attempt_at forward as a lease), so a later event of the same
-- charge cannot overtake it; 'failed' is parked after the last attempt.
CREATE TABLE webhook_deliveries (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id       text NOT NULL REFERENCES webhook_endpoints (id),
    event_position    bigint NOT NULL,
    event_id          text NOT NULL,
    charge_id         text NOT NULL,
    sequence          integer NOT NULL,
    status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts          integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at   timestamptz NOT NULL DEFAULT now(),
    last_status_code  integer,
    last_error        text,
    delivered_at      timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    -- One delivery per event and endpoint; also serves the delivery list of an endpoint
    -- (newest event first). Every index here is paid once per event and endpoint at hand-off.
    CONSTRAINT webhook_deliveries_endpoint_event UNIQUE (endpoint_id, event_position)
);

-- Serves the claim: an endpoint's due deliveries.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (endpoint_id, next_attempt_at, id) WHERE status = 'pending';

-- Serves the claim's order rule: is an earlier event of this charge still pending here?
CREATE INDEX webhook_deliveries_pending_charge ON webhook_deliveries (endpoint_id, charge_id, sequence) WHERE status = 'pending';

-- Serves the failed list of an endpoint, its bulk redelivery and the backlog figures.
CREATE INDEX webhook_deliveries_failed ON webhook_deliveries (endpoint_id) WHERE status = 'failed';

-- Idempotency keys of redelivery requests (POST …/redeliver and …/redeliver_failed):
-- a replay answers what the first request did and requeues nothing twice.
CREATE TABLE webhook_redeliveries (
    merchant_id      text NOT NULL REFERENCES merchants (id),
    idempotency_key  text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    request_hash     bytea NOT NULL CHECK (length(request_hash) = 32),
    endpoint_id      text NOT NULL REFERENCES webhook_endpoints (id),
    delivery_id      bigint REFERENCES webhook_deliveries (id),
    requeued         integer NOT NULL CHECK (requeued >= 0),
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (merchant_id, idempotency_key)
);

-- The merchant API's objects, rendered in one place like charges and events.
CREATE FUNCTION webhook_endpoint_json(e webhook_endpoints) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', e.id,
        'object', 'webhook_endpoint',
        'url', e.url,
        'status', e.status,
        'created_at', api_time(e.created_at))
$$;

CREATE FUNCTION webhook_delivery_json(d webhook_deliveries, event_type text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', 'wd_' || d.id,
        'object', 'webhook_delivery',
        'endpoint_id', d.endpoint_id,
        'event_id', d.event_id,
        'event_type', event_type,
        'charge_id', d.charge_id,
        'sequence', d.sequence,
        'status', d.status,
        'attempts', d.attempts,
        'last_status_code', d.last_status_code,
        'last_error', d.last_error,
        'next_attempt_at', CASE WHEN d.status = 'pending' THEN api_time(d.next_attempt_at) END,
        'delivered_at', api_time(d.delivered_at),
        'created_at', api_time(d.created_at),
        'updated_at', api_time(d.updated_at))
$$;
