-- Reading the PSP's event log as well as its webhooks (issue 13): with every webhook lost, a
-- change made at the PSP still reaches our records.

-- Where the reader is in the log, and which instance reads it now. One row; the lease is taken
-- and renewed on the database's clock, so one instance reads at a time and another takes over
-- when the holder stops renewing (a crash, a partition).
CREATE TABLE psp_event_cursor (
    name            text PRIMARY KEY,
    -- The PSP's own unix seconds of the newest event handled; the next read lists from it
    -- minus an overlap (the PSP may list an event of an older second after a newer one).
    newest_created  bigint,
    holder          text,
    leased_until    timestamptz NOT NULL DEFAULT '-infinity',
    -- When a read last reached the end of the log, on the database's clock: the reader's lag.
    read_at         timestamptz
);

INSERT INTO psp_event_cursor (name) VALUES ('events');

-- Where each recorded PSP event came from: a webhook, or the reader of the event log.
ALTER TABLE psp_webhook_events ADD COLUMN source text NOT NULL DEFAULT 'webhook'
    CHECK (source IN ('webhook', 'event_log'));
