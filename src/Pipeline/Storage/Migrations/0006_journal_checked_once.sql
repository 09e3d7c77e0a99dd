-- A journal's balance was checked at commit once for the journal and once more for each of
-- its entries (four checks of two queries for a capture): the fourth-largest cost in
-- PostgreSQL at load. Now the journal's own deferred check is the only balance check, and an
-- entry may only join a journal written in the same transaction, checked once per statement.
-- That is stricter than before: a committed journal is final, and nothing can be added to it
-- later, balanced or not (corrections are new journals, as invariant 5 says).

-- The transaction that wrote the journal; NULL for journals written before this migration,
-- which are thereby closed too.
ALTER TABLE ledger_journals ADD COLUMN written_by_xact xid8;
ALTER TABLE ledger_journals ALTER COLUMN written_by_xact SET DEFAULT pg_current_xact_id();

DROP TRIGGER ledger_entries_balanced ON ledger_entries;
DROP FUNCTION ledger_entry_inserted();

CREATE FUNCTION ledger_entries_join_open_journals() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    closed bigint;
BEGIN
    SELECT a.journal_id INTO closed
    FROM added AS a
    JOIN ledger_journals AS j ON j.id = a.journal_id
    WHERE j.written_by_xact IS DISTINCT FROM pg_current_xact_id()
    LIMIT 1;
    IF closed IS NOT NULL THEN
        RAISE EXCEPTION 'ledger journal % was committed earlier; its entries are final', closed
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER ledger_entries_join_open_journals
    AFTER INSERT ON ledger_entries
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_join_open_journals();
