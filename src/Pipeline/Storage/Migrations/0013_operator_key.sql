-- The platform operator's key (issue 14), stored as merchant keys are: its SHA-256 only. One
-- operator; the row is replaced when the configured key changes.
CREATE TABLE operator_keys (
    id            text PRIMARY KEY CHECK (id = 'operator'),
    api_key_hash  bytea NOT NULL CHECK (length(api_key_hash) = 32),
    created_at    timestamptz NOT NULL DEFAULT now()
);
