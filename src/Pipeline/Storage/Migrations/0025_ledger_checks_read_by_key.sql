-- The ledger's checks (0024) are queries without parameters inside plpgsql, so each connection
-- plans them on its first journal and keeps that plan until autovacuum next analyzes the tables.
-- Planned while the ledger was small (a fresh database's first journals), the join of a
-- statement's journals to ledger_journals was a sequential scan, and every statement of that
-- connection then read the whole table until the next analyze: in a 30-second profile the three
-- checks took 1.1-1.3 ms per statement, 0.26-0.46 ms with this (perf/RESULTS.md, "Throughput (issue 17, fourth session)";
-- LedgerCheckPlanTests). The checks only ever look up a statement's few journals, entries and
-- accounts by key, so their plans do that whatever the tables' size was when they were made.
ALTER FUNCTION ledger_entries_checked() SET enable_seqscan = off;
ALTER FUNCTION ledger_journals_have_entries() SET enable_seqscan = off;
