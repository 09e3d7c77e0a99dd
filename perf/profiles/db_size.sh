#!/usr/bin/env bash
# The size of the service's database in a running embedded cluster: the whole database, per
# charge and per million charges, and each table's share (partitions and indexes included), so
# that what grows forever (charges, the ledger, the audit trail) and what retention keeps bounded
# (outbox, feed, deliveries, PSP events) show apart. One line per table, then the totals.
# Usage: perf/profiles/db_size.sh --cluster DIR [--database payments] [--oneline]
set -euo pipefail
cluster="" database=payments oneline=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cluster) cluster="$2"; shift 2 ;;
    --database) database="$2"; shift 2 ;;
    --oneline) oneline=1; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ -f "$cluster/data/postmaster.pid" ]] || { echo "no running cluster in '$cluster'" >&2; exit 2; }
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
export PGHOST=127.0.0.1 PGUSER=postgres PGOPTIONS="-c client_min_messages=warning"
PGPORT="$(sed -n 4p "$cluster/data/postmaster.pid")"
PGPASSWORD="$(cat "$cluster/superuser.password")"
export PGPORT PGPASSWORD

if (( oneline )); then
  # For sampling over a long run: seconds since epoch, charges, database bytes, retained bytes.
  "$bindir/psql" -X -At -F ' ' -d "$database" <<'SQL'
SELECT extract(epoch FROM now())::bigint, (SELECT count(*) FROM charges), pg_database_size(current_database()),
       (SELECT coalesce(sum(pg_total_relation_size(tree.relid)), 0)
        FROM unnest(ARRAY['outbox', 'event_feed', 'webhook_deliveries', 'psp_webhook_events']) AS t(parent),
             pg_partition_tree(t.parent::regclass) AS tree)
SQL
  exit 0
fi

"$bindir/psql" -X -q -d "$database" <<'SQL'
WITH tables AS (
    SELECT c.relname AS table_name,
           CASE WHEN c.relkind = 'p'
                THEN (SELECT coalesce(sum(pg_total_relation_size(t.relid)), 0) FROM pg_partition_tree(c.oid) AS t)
                ELSE pg_total_relation_size(c.oid) END AS bytes
    FROM pg_class AS c
    JOIN pg_namespace AS n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
),
charges AS (SELECT greatest(count(*), 1) AS n FROM charges)
SELECT t.table_name, pg_size_pretty(t.bytes) AS size, round(t.bytes::numeric / charges.n) AS bytes_per_charge,
       pg_size_pretty(t.bytes * 1000000 / charges.n) AS per_million_charges,
       t.table_name IN ('outbox', 'event_feed', 'webhook_deliveries', 'psp_webhook_events') AS retained
FROM tables AS t, charges
WHERE t.bytes > 65536
ORDER BY t.bytes DESC;

SELECT (SELECT count(*) FROM charges) AS charges,
       pg_size_pretty(pg_database_size(current_database())) AS database,
       pg_size_pretty(pg_database_size(current_database()) * 1000000 / greatest((SELECT count(*) FROM charges), 1)) AS per_million_charges;
SQL
