-- The balance check ran at commit once per journal (a deferred row trigger: two queries per
-- journal), and the open-journal check once per statement: a group commit of N captures paid
-- 2N + 1 queries for it, the ledger's largest cost in PostgreSQL after the group commits
-- themselves (perf/RESULTS.md, "Where PostgreSQL's time goes now"). Every writer already writes
-- a journal and its entries in one statement (Moves/MoveRecords, Payouts/PayoutRecords, the
-- reconciliation's fees), so the rule is now checked at the end of each statement, over all of
-- its journals at once: two queries per statement, whatever the group's size.
--
-- Stricter than before: a journal must hold its balanced entries at the end of the statement
-- that wrote it, not only at commit; and entries may join a journal written earlier in the same
-- transaction only if the journal still balances at the end of their statement. A journal
-- committed earlier stays final (0006).

DROP TRIGGER ledger_journals_balanced ON ledger_journals;
DROP FUNCTION ledger_journal_inserted();
DROP FUNCTION ledger_assert_journal_balanced(bigint);
DROP TRIGGER ledger_entries_join_open_journals ON ledger_entries;
DROP FUNCTION ledger_entries_join_open_journals();

-- Every journal the statement touched: still open (written by this transaction), at least two
-- entries, and balanced per currency.
CREATE FUNCTION ledger_entries_checked() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT t.journal_id,
           j.written_by_xact IS DISTINCT FROM pg_current_xact_id() AS closed,
           s.entry_count,
           s.unbalanced
    INTO bad
    FROM (SELECT DISTINCT journal_id FROM added) AS t
    JOIN ledger_journals AS j ON j.id = t.journal_id
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
    WHERE j.written_by_xact IS DISTINCT FROM pg_current_xact_id()
       OR s.entry_count < 2
       OR s.unbalanced IS NOT NULL
    LIMIT 1;

    IF bad.journal_id IS NULL THEN
        RETURN NULL;
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
