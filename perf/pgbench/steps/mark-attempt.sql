-- ChargeStore.MarkAttempt: the attempt counted and the row leased before the PSP call.
UPDATE charges
SET attempt_count = attempt_count + 1, next_attempt_at = now() + interval '60 seconds', version = version + 1
WHERE id = 'ch_pgb_' || :n AND status IN ('pending', 'authorized')
RETURNING version;
