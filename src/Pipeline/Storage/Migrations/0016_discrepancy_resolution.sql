-- An operator resolves an open discrepancy with a note (issue 14); the Idempotency-Key of that
-- request answers its replays. Resolving moves no money.
ALTER TABLE discrepancies ADD COLUMN resolve_key text;

-- Serves the missing_at_psp check: has a report named this PaymentIntent's capture?
CREATE INDEX settlement_lines_payment_intent ON settlement_lines (payment_intent_id, category);
