-- Two instances on one database (issue 18), configured with different operator keys during a
-- rolling key change: each instance's key is added and both work, rather than the last instance
-- to start replacing the other's (the one 'operator' row did). A key ends when the operator says
-- so (Keys__RevokeConfiguredBefore), read against the database's clock as merchants' keys are.
ALTER TABLE operator_keys DROP CONSTRAINT operator_keys_id_check;
ALTER TABLE operator_keys ADD COLUMN revoked_at timestamptz;

-- One row per key; serves the seeding's insert. Authentication reads the few live rows.
CREATE UNIQUE INDEX operator_keys_hash ON operator_keys (api_key_hash);
