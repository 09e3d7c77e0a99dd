-- The balance check ran at commit once per journal (a deferred row trigger: two queries per
-- journal), and the open-journal check once per statement: a group commit of N captures paid
-- 2N + 1 queries for it (and a foreign-key lookup per entry), the ledger's largest cost in PostgreSQL after the group commits
-- themselves (perf/RESULTS.md, "Where PostgreSQL's time goes now"). Every writer already writes
-- a journal and its entries in one statement (Moves/MoveRecords, Payouts/PayoutRecords, the
-- reconciliation's fees), so the rule is now checked at the end of each statement, over all of
-- its journals at once: three queries per statement, whatever the group's size.
--
-- Stricter than before: a journal must hold its balanced entries at the end of the statement
-- that wrote it, not only at commit; and entries may join a journal written earlier in the same
-- transaction only if the journal still balances at the end of their statement. A journal
-- committed earlier stays final (0006).
--
-- The same check refuses an entry whose journal or account does not exist, which the two
-- foreign keys of ledger_entries did row by row: each a lookup and a FOR KEY SHARE lock on the
-- referenced row, and the few hot accounts (psp_receivable, the fee revenue, a merchant's
-- payable) were key-share locked by every concurrent group commit at once, which PostgreSQL
-- records as multixacts. What the keys also gave, that a referenced row stays, the ledger's
-- append-only triggers give for journals and a new one below gives for accounts.

DROP TRIGGER ledger_journals_balanced ON ledger_journals;
DROP FUNCTION ledger_journal_inserted();
DROP FUNCTION ledger_assert_journal_balanced(bigint);
DROP TRIGGER ledger_entries_join_open_journals ON ledger_entries;
DROP FUNCTION ledger_entries_join_open_journals();
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_journal_id_fkey;
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_account_id_fkey;

-- An account is kept forever, as the entries that name it are.
CREATE TRIGGER ledger_accounts_permanent
    BEFORE DELETE OR UPDATE OF id ON ledger_accounts
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite('the ledger');

CREATE TRIGGER ledger_accounts_no_truncate
    BEFORE TRUNCATE ON ledger_accounts
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_rewrite('the ledger');

-- Every account the statement named exists; every journal it touched exists, is still open
-- (written by this transaction), has at least two entries and balances per currency.
CREATE FUNCTION ledger_entries_checked() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    unknown text;
    bad record;
BEGIN
    SELECT a.account_id INTO unknown
    FROM (SELECT DISTINCT account_id FROM added) AS a
    WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts AS l WHERE l.id = a.account_id)
    LIMIT 1;
    IF unknown IS NOT NULL THEN
        RAISE EXCEPTION 'ledger account % does not exist', unknown
            USING ERRCODE = 'foreign_key_violation';
    END IF;

    SELECT t.journal_id,
           j.id IS NULL AS missing,
           j.written_by_xact IS DISTINCT FROM pg_current_xact_id() AS closed,
           s.entry_count,
           s.unbalanced
    INTO bad
    FROM (SELECT DISTINCT journal_id FROM added) AS t
    LEFT JOIN ledger_journals AS j ON j.id = t.journal_id
    CROSS JOIN LATERAL (
        SELECT sum(c.entries)::integer AS entry_count,
               string_agg(c.currency || ' ' || c.total, ', ') FILTER (WHERE c.total <> 0) AS unbalanced
        FROM (
            SELECT e.currency, count(*) AS entries, sum(e.amount) AS total
            FROM ledger_entries AS e
            WHERE e.journal_id = t.journal_id
            GROUP BY e.currency
        ) AS c
    ) AS s
    WHERE j.id IS NULL
       OR j.written_by_xact IS DISTINCT FROM pg_current_xact_id()
       OR s.entry_count < 2
       OR s.unbalanced IS NOT NULL
    LIMIT 1;

    IF bad.journal_id IS NULL THEN
        RETURN NULL;
    ELSIF bad.missing THEN
        RAISE EXCEPTION 'ledger journal % does not exist', bad.journal_id
            USING ERRCODE = 'foreign_key_violation';
    ELSIF bad.closed THEN
        RAISE EXCEPTION 'ledger journal % was committed earlier; its entries are final', bad.journal_id
            USING ERRCODE = 'restrict_violation';
    ELSIF bad.entry_count < 2 THEN
        RAISE EXCEPTION 'ledger journal % has % entries; at least two are required', bad.journal_id, bad.entry_count
            USING ERRCODE = 'check_violation';
    ELSE
        RAISE EXCEPTION 'ledger journal % does not balance: %', bad.journal_id, bad.unbalanced
            USING ERRCODE = 'check_violation';
    END IF;
END;
$$;

CREATE TRIGGER ledger_entries_checked
    AFTER INSERT ON ledger_entries
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_checked();

-- A journal written without entries in its own statement: the entries' check never sees it.
CREATE FUNCTION ledger_journals_have_entries() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    empty bigint;
BEGIN
    SELECT w.id INTO empty
    FROM written AS w
    WHERE NOT EXISTS (SELECT 1 FROM ledger_entries AS e WHERE e.journal_id = w.id)
    LIMIT 1;
    IF empty IS NOT NULL THEN
        RAISE EXCEPTION 'ledger journal % has 0 entries; its balanced entries are written in the same statement', empty
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER ledger_journals_have_entries
    AFTER INSERT ON ledger_journals
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_journals_have_entries();
