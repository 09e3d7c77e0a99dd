-- The posting rules: which accounts a money movement touches, with which signs (debit positive,
-- credit negative). Every journal the service writes takes its entries from this one function,
-- and so does the pgbench copy of the capture step, so the rules cannot drift apart. The fee
-- itself is computed by Ledger/PostingRules.cs. Policy on refunds: the platform keeps its fee,
-- so the merchant's payable gives back the whole refunded amount. A SQL function in FROM, so
-- PostgreSQL inlines it into the statement that posts.
CREATE FUNCTION ledger_postings(movement text, merchant text, gross bigint, fee bigint)
RETURNS TABLE (posting_account text, posting_amount bigint)
LANGUAGE sql IMMUTABLE AS $$
    SELECT rule.account, rule.amount
    FROM (VALUES
        ('capture', 'psp_receivable', gross),
        ('capture', 'merchant_payable:' || merchant, -(gross - fee)),
        ('capture', 'platform_fee_revenue', -fee),
        ('refund', 'psp_receivable', -gross),
        ('refund', 'merchant_payable:' || merchant, gross)) AS rule(movement, account, amount)
    WHERE rule.movement = ledger_postings.movement AND rule.amount <> 0
$$;
