-- Webhook signing secrets sealed at rest (issue 15): whoever can read the database could sign
-- events as us to every merchant. The service seals each secret with AES-256-GCM under a key
-- from configuration (Secrets:SealingKeys, see SecretSealer) and stores only the key's id and
-- nonce ‖ ciphertext ‖ tag; the key never enters the database.
ALTER TABLE webhook_endpoints
    ADD COLUMN secret_key_id text CHECK (secret_key_id ~ '^[A-Za-z0-9_-]{1,32}$'),
    ADD COLUMN secret_sealed bytea CHECK (length(secret_sealed) BETWEEN 29 AND 1024);

-- Rows written in plain text cannot be sealed here: the key is not in the database. The
-- product has not been deployed, so only development databases hold such rows: their endpoints
-- are deleted (pending deliveries cancelled, as a DELETE would) and the merchant registers
-- them again, getting a new secret.
UPDATE webhook_deliveries
SET status = 'cancelled', updated_at = now()
WHERE status = 'pending'
  AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE status = 'enabled');

UPDATE webhook_endpoints
SET status = 'deleted', deleted_at = coalesce(deleted_at, now())
WHERE status = 'enabled';

ALTER TABLE webhook_endpoints DROP COLUMN secret;

-- Every enabled endpoint can sign; a deleted one from before sealing has no secret at all.
ALTER TABLE webhook_endpoints ADD CONSTRAINT webhook_endpoints_secret_sealed CHECK (
    (secret_key_id IS NULL) = (secret_sealed IS NULL)
    AND (secret_sealed IS NOT NULL OR status = 'deleted'));
