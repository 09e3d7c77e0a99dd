-- PspWebhookStore.RecordEvent: the PSP's payment_intent.succeeded webhook for the charge, deduplicated
-- by its event id (the charge is already captured, so it changes nothing else).
INSERT INTO psp_webhook_events (event_id, type, object_id, outcome)
VALUES ('evt_psp_' || :n, 'payment_intent.succeeded', 'pi_pgb_' || :n, 'stale')
ON CONFLICT DO NOTHING;
