-- Retention. The tables that grow with every event (the outbox, the events feed, webhook
-- deliveries and the PSP events seen) become range-partitioned by time, and what the contracts no
-- longer promise goes as whole partitions, detached concurrently and dropped (the retention worker,
-- Pipeline/Retention): no row-by-row DELETE that would cost as much as the inserts, no lock that
-- stops charging. The ledger and the audit trail (charge_events, payout_events) are not touched:
-- they are kept forever.
--
-- The outbox, the feed and the deliveries are partitioned by their event id. Our event ids are
-- 'evt_' and a UUIDv7 in hex, whose first 48 bits are the millisecond it was minted, so the id
-- dates its event, and a unique index on it stays global (a partitioned table's unique index
-- must contain its partition key): the feed still refuses a second copy of an event, the one rule
-- a replay after a crash depends on. The PSP's event ids carry no time: those rows are
-- partitioned by when they were received.
--
-- Each table's existing rows become its first partition (from MINVALUE to this migration's
-- time), so nothing is copied, re-streamed or re-delivered. The partitions after it are made by
-- retention_prepare, which every process that migrates calls right after (with its own width and
-- lead), before anything is written.

-- The lowest event id minted at or after a time: the bound of a partition of event ids.
CREATE FUNCTION event_id_floor(at timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT 'evt_' || lpad(to_hex(floor(extract(epoch FROM at) * 1000)::bigint), 12, '0')
$$;

CREATE TABLE retention_tables (
    parent    text PRIMARY KEY,
    key_kind  text NOT NULL CHECK (key_kind IN ('event_id', 'received_at'))
);

INSERT INTO retention_tables (parent, key_kind) VALUES
    ('outbox', 'event_id'),
    ('event_feed', 'event_id'),
    ('webhook_deliveries', 'event_id'),
    ('psp_webhook_events', 'received_at');

-- Every partition made or adopted, with the time range it holds.
CREATE TABLE retention_partitions (
    name        text PRIMARY KEY,
    parent      text NOT NULL REFERENCES retention_tables (parent),
    lower_at    timestamptz NOT NULL,
    upper_at    timestamptz NOT NULL CHECK (upper_at > lower_at),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX retention_partitions_parent ON retention_partitions (parent, upper_at);

-- The outbox: a queue read only by logical decoding and by a new slot's one-time backfill, so it
-- carries no index and no foreign key, each of which every event paid for at insert. Event ids are
-- unique by construction (UUIDv7) and the feed refuses a second copy of one; each stream's
-- sequence comes from its row-locked counter (charges.last_event_sequence,
-- payouts.last_event_sequence); its merchant is the one its charge or payout row references.
ALTER TABLE outbox RENAME TO outbox_legacy;
ALTER TABLE outbox_legacy ALTER COLUMN event_id TYPE text COLLATE "C";

CREATE TABLE outbox (
    id           bigint NOT NULL DEFAULT nextval('outbox_id_seq'),
    event_id     text COLLATE "C" NOT NULL,
    merchant_id  text NOT NULL,
    charge_id    text NOT NULL,
    sequence     integer NOT NULL CONSTRAINT outbox_sequence_check CHECK (sequence >= 1),
    type         text NOT NULL CONSTRAINT outbox_type_check CHECK (type IN (
        'charge.pending', 'charge.authorized', 'charge.captured', 'charge.failed', 'charge.voided',
        'refund.succeeded', 'refund.failed',
        'dispute.created', 'dispute.updated', 'dispute.won', 'dispute.lost',
        'payout.pending', 'payout.paid', 'payout.failed')),
    payload      jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
) PARTITION BY RANGE (event_id);

ALTER SEQUENCE outbox_id_seq OWNED BY outbox.id;
ALTER TABLE outbox_legacy ALTER COLUMN id DROP DEFAULT;
ALTER TABLE outbox ATTACH PARTITION outbox_legacy FOR VALUES FROM (MINVALUE) TO (event_id_floor(now()));

-- The events feed.
ALTER TABLE event_feed RENAME TO event_feed_legacy;
ALTER TABLE event_feed_legacy ALTER COLUMN event_id TYPE text COLLATE "C";

CREATE TABLE event_feed (
    position      bigint NOT NULL CONSTRAINT event_feed_position_check CHECK (position >= 1),
    event_id      text COLLATE "C" NOT NULL,
    merchant_id   text NOT NULL,
    charge_id     text NOT NULL,
    sequence      integer NOT NULL CONSTRAINT event_feed_sequence_check CHECK (sequence >= 1),
    type          text NOT NULL,
    payload       text NOT NULL,
    committed_at  timestamptz NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT event_feed_event UNIQUE (event_id)
) PARTITION BY RANGE (event_id);

ALTER TABLE event_feed ATTACH PARTITION event_feed_legacy FOR VALUES FROM (MINVALUE) TO (event_id_floor(now()));

-- Serves the next position (the largest), the publisher's lag and the deliveries' payload.
-- Positions stay unique because one writer assigns them, under the feed's advisory lock.
CREATE INDEX event_feed_by_position ON event_feed (position);
-- Serves GET /v1/events: one merchant's events after a position.
CREATE INDEX event_feed_by_merchant_position ON event_feed (merchant_id, position);

-- Webhook deliveries: one per event and endpoint, as before (the unique key now names the event
-- by its id, which is the same rule: an event has one position).
ALTER TABLE webhook_redeliveries DROP CONSTRAINT webhook_redeliveries_delivery_id_fkey;
ALTER TABLE webhook_deliveries RENAME TO webhook_deliveries_legacy;
ALTER TABLE webhook_deliveries_legacy ALTER COLUMN event_id TYPE text COLLATE "C";
-- An identity column cannot be a partition's: its sequence (of the same name) goes and a plain one
-- continues from the largest id.
ALTER TABLE webhook_deliveries_legacy ALTER COLUMN id DROP IDENTITY;
CREATE SEQUENCE webhook_deliveries_id_seq;
SELECT setval('webhook_deliveries_id_seq', coalesce((SELECT max(id) FROM webhook_deliveries_legacy), 0) + 1, false);

CREATE TABLE webhook_deliveries (
    id                bigint NOT NULL DEFAULT nextval('webhook_deliveries_id_seq'),
    endpoint_id       text NOT NULL REFERENCES webhook_endpoints (id),
    event_position    bigint NOT NULL,
    event_id          text COLLATE "C" NOT NULL,
    charge_id         text NOT NULL,
    sequence          integer NOT NULL,
    status            text NOT NULL DEFAULT 'pending'
                      CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts          integer NOT NULL DEFAULT 0 CONSTRAINT webhook_deliveries_attempts_check CHECK (attempts >= 0),
    next_attempt_at   timestamptz NOT NULL DEFAULT now(),
    last_status_code  integer,
    last_error        text,
    delivered_at      timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT webhook_deliveries_endpoint_event_id UNIQUE (endpoint_id, event_id)
) PARTITION BY RANGE (event_id);

ALTER SEQUENCE webhook_deliveries_id_seq OWNED BY webhook_deliveries.id;
ALTER TABLE webhook_deliveries ATTACH PARTITION webhook_deliveries_legacy FOR VALUES FROM (MINVALUE) TO (event_id_floor(now()));

-- Ids come from one sequence; this serves the lookups of one delivery by its id.
CREATE INDEX webhook_deliveries_by_id ON webhook_deliveries (id);
-- Serves the delivery list of an endpoint, newest event first.
CREATE INDEX webhook_deliveries_by_endpoint_position ON webhook_deliveries (endpoint_id, event_position);
CREATE INDEX webhook_deliveries_due_by_endpoint ON webhook_deliveries (endpoint_id, next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_pending_by_charge ON webhook_deliveries (endpoint_id, charge_id, sequence) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_failed_by_endpoint ON webhook_deliveries (endpoint_id) WHERE status = 'failed';

-- A delivery's JSON takes the row type of the table it reads, now the partitioned one.
DROP FUNCTION webhook_delivery_json(webhook_deliveries_legacy, text);
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

-- PSP events seen, for deduplication and as the contract's record of stale and unknown events. The
-- dedup lookup is by event id across the partitions kept (PspWebhookStore).
ALTER TABLE psp_webhook_events RENAME TO psp_webhook_events_legacy;

CREATE TABLE psp_webhook_events (
    event_id     text NOT NULL,
    type         text NOT NULL,
    object_id    text,
    received_at  timestamptz NOT NULL DEFAULT now(),
    outcome      text NOT NULL
                 CONSTRAINT psp_webhook_events_outcome_check CHECK (outcome IN ('applied', 'stale', 'unknown_object', 'ignored')),
    source       text NOT NULL DEFAULT 'webhook'
                 CONSTRAINT psp_webhook_events_source_check CHECK (source IN ('webhook', 'event_log')),
    CONSTRAINT psp_webhook_events_event UNIQUE (event_id, received_at)
) PARTITION BY RANGE (received_at);

ALTER TABLE psp_webhook_events ATTACH PARTITION psp_webhook_events_legacy FOR VALUES FROM (MINVALUE) TO (now());

INSERT INTO retention_partitions (name, parent, lower_at, upper_at)
SELECT parent || '_legacy', parent, '-infinity', now()
FROM retention_tables;

-- The outbox's publications stream the partitions' inserts as the outbox's own, so the
-- publisher sees one relation named outbox whatever partition a row went to.
DO $$
DECLARE
    publication record;
BEGIN
    FOR publication IN
        SELECT p.pubname
        FROM pg_publication AS p
        JOIN pg_publication_rel AS r ON r.prpubid = p.oid
        WHERE r.prrelid = 'outbox_legacy'::regclass
    LOOP
        EXECUTE format('ALTER PUBLICATION %I SET TABLE outbox', publication.pubname);
        EXECUTE format('ALTER PUBLICATION %I SET (publish_via_partition_root = true)', publication.pubname);
    END LOOP;
END
$$;

-- Makes the partitions of one table from the end of its last one up to now + ahead, each
-- ending on a whole multiple of width (from the Unix epoch), so that the first after a change of
-- width is shorter and the rest are aligned. After a long stop it starts from now - width: no key
-- is minted for the gap. A partition is made empty beside the table and then attached, which
-- takes only a SHARE UPDATE EXCLUSIVE lock on the parent: inserts go on while it runs.
CREATE FUNCTION retention_prepare(target text, width interval, ahead interval) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    kind        text := (SELECT key_kind FROM retention_tables WHERE parent = target);
    lower_at    timestamptz;
    upper_at    timestamptz;
    lower_key   text;
    upper_key   text;
    partition   text;
    made        integer := 0;
BEGIN
    IF kind IS NULL THEN
        RAISE EXCEPTION 'no retention is defined for %', target USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF width < interval '1 second' THEN
        RAISE EXCEPTION 'a partition width of % is too small', width USING ERRCODE = 'invalid_parameter_value';
    END IF;

    lower_at := greatest(
        (SELECT max(p.upper_at) FROM retention_partitions AS p WHERE p.parent = target),
        now() - width);
    WHILE lower_at < now() + ahead LOOP
        upper_at := date_bin(width, lower_at, 'epoch') + width;
        IF kind = 'event_id' THEN
            lower_key := event_id_floor(lower_at);
            upper_key := event_id_floor(upper_at);
        ELSE
            lower_key := lower_at::text;
            upper_key := upper_at::text;
        END IF;
        partition := target || '_' || to_char(lower_at AT TIME ZONE 'UTC', 'YYYYMMDD"t"HH24MISS');
        EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', partition, target);
        EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', target, partition, lower_key, upper_key);
        INSERT INTO retention_partitions (name, parent, lower_at, upper_at) VALUES (partition, target, lower_at, upper_at);
        lower_at := upper_at;
        made := made + 1;
    END LOOP;
    RETURN made;
END;
$$;

-- The partitions of one table whose whole range is older than keep, oldest first, that may go:
-- - the feed keeps the partition of its newest event, so positions never start again;
-- - the outbox keeps a partition until the feed holds an event committed keep after its end
--   (so a stopped publisher never loses an event), and the feed dedups anything streamed again;
-- - deliveries keep a partition while any of its deliveries is still pending.
-- detach_pending says a concurrent detach was interrupted and must be finalized.
CREATE FUNCTION retention_due(target text, keep interval)
RETURNS TABLE (name text, detach_pending boolean)
LANGUAGE sql STABLE AS $$
    SELECT p.name, coalesce(i.inhdetachpending, false)
    FROM retention_partitions AS p
    LEFT JOIN pg_class AS c ON c.oid = to_regclass(quote_ident(p.name))
    LEFT JOIN pg_inherits AS i ON i.inhrelid = c.oid
    WHERE p.parent = target
      AND p.upper_at <= now() - keep
      AND CASE target
          WHEN 'event_feed' THEN EXISTS (
              SELECT 1 FROM event_feed AS f WHERE f.event_id >= event_id_floor(p.upper_at))
          WHEN 'outbox' THEN coalesce(
              (SELECT f.committed_at FROM event_feed AS f ORDER BY f.position DESC LIMIT 1) >= p.upper_at + keep, false)
          WHEN 'webhook_deliveries' THEN NOT EXISTS (
              SELECT 1 FROM webhook_deliveries AS d
              WHERE d.status = 'pending'
                AND d.event_id >= CASE WHEN p.lower_at = '-infinity' THEN '' ELSE event_id_floor(p.lower_at) END
                AND d.event_id < event_id_floor(p.upper_at))
          ELSE true
          END
    ORDER BY p.lower_at
$$;
