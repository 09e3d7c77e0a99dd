-- An operator resolves an open discrepancy with a note (issue 14); the Idempotency-Key of that
-- request answers its replays. Resolving moves no money.
ALTER TABLE discrepancies ADD COLUMN resolve_key text;
