#!/usr/bin/env bash
# The database's own ceiling for our writes: pgbench runs one charge's writes (the SQL of
# ChargeStore's intent insert and capture and of the PSP webhook's dedup row, see steps/) against
# the service's own schema in a throwaway database of the same cluster, at a given concurrency:
#   one-tx    one transaction per charge (all of a charge's writes, one commit)
#   per-step  one transaction per step (three commits per charge, none shared with another charge)
# and prints charges/s for each. Bounded: --seconds of pgbench per mode, loopback only.
#
# Usage: perf/pgbench/run.sh --cluster DIR [--clients N] [--seconds S] [--modes "one-tx per-step"] [--out FILE]
#   DIR: the embedded cluster's folder (holds data/postmaster.pid and superuser.password),
#        e.g. the one the service logs as "Embedded PostgreSQL started from DIR".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cluster="" clients=32 seconds=20 modes="one-tx per-step" out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cluster) cluster="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --modes) modes="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ -f "$cluster/data/postmaster.pid" ]] || { echo "no running cluster in '$cluster' (data/postmaster.pid missing)" >&2; exit 2; }
(( seconds >= 1 && seconds <= 120 )) || { echo "--seconds must be 1..120" >&2; exit 2; }
(( clients >= 1 && clients <= 200 )) || { echo "--clients must be 1..200" >&2; exit 2; }

bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
export PGHOST=127.0.0.1
PGPORT="$(sed -n 4p "$cluster/data/postmaster.pid")"
export PGPORT PGUSER=postgres PGOPTIONS="-c client_min_messages=warning"
PGPASSWORD="$(cat "$cluster/superuser.password")"
export PGPASSWORD
db=pgbench_charges
psql_q() { "$bindir/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

# The same schema as the service: dumped from its database when there is one, else the migrations.
psql_q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
trap 'psql_q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
if psql_q -d payments -Atc "SELECT 1 FROM schema_migrations LIMIT 1" >/dev/null 2>&1; then
  # Publications and slots belong to the service's outbox; the comparison database has none.
  "$bindir/pg_dump" --schema-only --no-publications --no-subscriptions -d payments | psql_q -d "$db" >/dev/null
  schema="dumped from database payments"
else
  for migration in "$here"/../../src/Pipeline/Storage/Migrations/*.sql; do
    psql_q -d "$db" -f "$migration" >/dev/null
  done
  # The partitions the service makes at start (retention), with its default width and lead.
  psql_q -d "$db" -c "SELECT retention_prepare(parent, '1 day', '2 days') FROM retention_tables" >/dev/null
  schema="applied from src/Pipeline/Storage/Migrations"
fi

# Rows the migrations insert (the platform's accounts) and one merchant, as MerchantStore seeds them.
psql_q -d "$db" <<'SQL' >/dev/null
INSERT INTO ledger_accounts (id, kind) VALUES ('psp_receivable', 'asset'), ('platform_fee_revenue', 'revenue') ON CONFLICT (id) DO NOTHING;
INSERT INTO merchants (id, name, fee_bps, fee_fixed) VALUES ('m_pgbench', 'pgbench', 100, 0);
INSERT INTO ledger_accounts (id, kind, merchant_id) VALUES ('merchant_payable:m_pgbench', 'liability', 'm_pgbench');
SQL

scripts="$(mktemp -d)"
trap 'rm -rf "$scripts"; psql_q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
steps=("$here/steps/intent.sql" "$here/steps/capture.sql" "$here/steps/webhook.sql")
{ cat "$here/steps/header.sql"; echo "BEGIN;"; cat "${steps[@]}"; echo "COMMIT;"; } > "$scripts/one-tx.sql"
{ cat "$here/steps/header.sql" "${steps[@]}"; } > "$scripts/per-step.sql"

threads=$(( clients < $(nproc) ? clients : $(nproc) ))
report="pgbench: $("$bindir/pgbench" --version | awk '{print $3}'), schema $schema, $clients clients, $threads threads, ${seconds} s per mode, prepared statements"
echo "$report"
[[ -n "$out" ]] && echo "$report" > "$out"
for mode in $modes; do
  [[ -f "$scripts/$mode.sql" ]] || { echo "unknown mode $mode" >&2; exit 2; }
  result="$("$bindir/pgbench" -n -M prepared -c "$clients" -j "$threads" -T "$seconds" -f "$scripts/$mode.sql" "$db" 2>&1)" || { echo "$result" >&2; exit 1; }
  tps="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$result" | head -1)"
  failed="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$result")"
  latency="$(sed -n 's/^latency average = \(.*\)$/\1/p' <<<"$result")"
  # A guard that every step really wrote: a capture that matched no row would not fail pgbench.
  counts="$(psql_q -d "$db" -Atc "SELECT count(*) FILTER (WHERE status = 'captured') || ' of ' || count(*) FROM charges")"
  psql_q -d "$db" -c "TRUNCATE psp_webhook_events" >/dev/null
  line="pgbench $mode: $tps charges/s (latency average $latency, failed ${failed:-0}; charges captured so far: $counts)"
  echo "$line"
  [[ -n "$out" ]] && echo "$line" >> "$out"
done
