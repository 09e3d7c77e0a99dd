-- The PSP's fee on a capture (issue 14): the PSP keeps it out of what it holds for the platform,
-- so the reconciler posts it from the settlement report, and the ledger's PSP balance then equals
-- the PSP's own (the running sum of the report's net). A dispute's fee needs no such journal:
-- the dispute's own journal takes it (0012_disputes.sql).
INSERT INTO ledger_accounts (id, kind) VALUES ('psp_fees', 'expense') ON CONFLICT (id) DO NOTHING;

CREATE OR REPLACE FUNCTION ledger_postings(movement text, merchant text, gross bigint, fee bigint)
RETURNS TABLE (posting_account text, posting_amount bigint)
LANGUAGE sql IMMUTABLE AS $$
    SELECT rule.account, rule.amount
    FROM (VALUES
        ('capture', 'psp_receivable', gross),
        ('capture', 'merchant_payable:' || merchant, -(gross - fee)),
        ('capture', 'platform_fee_revenue', -fee),
        ('refund', 'psp_receivable', -gross),
        ('refund', 'merchant_payable:' || merchant, gross),
        ('dispute', 'psp_receivable', -(gross + fee)),
        ('dispute', 'merchant_payable:' || merchant, gross + fee),
        ('dispute_won', 'psp_receivable', gross),
        ('dispute_won', 'merchant_payable:' || merchant, -gross),
        ('psp_fee', 'psp_fees', fee),
        ('psp_fee', 'psp_receivable', -fee)) AS rule(movement, account, amount)
    WHERE rule.movement = ledger_postings.movement AND rule.amount <> 0
$$;
