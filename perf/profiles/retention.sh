#!/usr/bin/env bash
# Retention over a long run: the service with partitions a minute wide and every retained table
# keeping KEEP (default 2 minutes), the load runner at RATE for DURATION (PSP latency 20-80 ms),
# and the database sampled every SAMPLE_SECONDS: charges, the whole database, and the tables
# under retention (outbox, events feed, webhook deliveries, PSP events). With retention working,
# the retained bytes level off after KEEP + a partition, while charges, the ledger and the audit
# trail (kept forever) grow with the work. The same run with retention off (RETENTION=0) shows
# the retained tables growing without bound. The load runner's correctness check still applies.
# The runner's runs are bounded (at most 300 s), so the load comes in ROUNDS runs of DURATION back to back.
# Usage: [RATE=200 DURATION=300 ROUNDS=2 KEEP=00:02:00 RETENTION=1] perf/profiles/retention.sh
PROFILE=retention RATE=${RATE:-200} DURATION=${DURATION:-300} ROUNDS=${ROUNDS:-2} WARMUP=${WARMUP:-5} LATENCY_MIN=${LATENCY_MIN:-20} LATENCY_MAX=${LATENCY_MAX:-80}
KEEP=${KEEP:-00:02:00} SAMPLE_SECONDS=${SAMPLE_SECONDS:-30} RETENTION=${RETENTION:-1}
export Retention__Enabled=$([[ "$RETENTION" == 1 ]] && echo true || echo false)
export Retention__PartitionWidth=00:01:00 Retention__Ahead=00:05:00 Retention__Interval=00:00:15
export Retention__OutboxKeep="$KEEP" Retention__EventsKeep="$KEEP" Retention__PspEventsKeep="$KEEP"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

run_retention() {
  cd "$ROOT"
  start_stack
  local sizes="$OUT/sizes.txt" sampler
  ( while sleep "$SAMPLE_SECONDS"; do "$ROOT/perf/profiles/db_size.sh" --cluster "$PG_DIR" --oneline >> "$sizes" 2>/dev/null || true; done ) &
  sampler=$!
  local runner_status=0 round
  for (( round = 1; round <= ROUNDS; round++ )); do
    dotnet "$BUILD_ROOT/perf/Load/bin/Release/net10.0/Payments.Load.dll" \
      --url "http://127.0.0.1:$SVC_PORT" --key "$KEY" --simulator-url "http://127.0.0.1:$SIM_PORT" \
      --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" --final-sample 0.01 --final-bound 10 \
      --watch "service=$SVC_PID" --watch "postgres=$PG_PID" --watch "simulator=$SIM_PID" --respond-async \
      --json "$OUT/load-$round.json" > "$OUT/load-$round.txt" 2>&1 || runner_status=$?
    grep -E "^verdict|double charges|lost charges" "$OUT/load-$round.txt" | sed "s/^/  round $round: /"
  done
  kill "$sampler" 2>/dev/null || true
  "$ROOT/perf/profiles/db_size.sh" --cluster "$PG_DIR" > "$OUT/db_size.txt" 2>&1 || true
  grep -c "Retention dropped partition" "$OUT/service.log" > "$OUT/dropped.txt" || true
  stop_all
  python3 - "$sizes" "$RATE" "$KEEP" "$RETENTION" "$runner_status" "$(cat "$OUT/dropped.txt" 2>/dev/null || echo 0)" <<'PY' | tee "$OUT/summary.txt"
import sys
path, rate, keep, retention, status, dropped = sys.argv[1:7]
rows = [list(map(int, line.split())) for line in open(path) if len(line.split()) == 4]
print(f"retention {'on' if retention == '1' else 'off'} (keep {keep}, partitions of 1 min), {rate} charges/s offered; correctness {'passed' if status == '0' else 'FAILED'}; partitions dropped: {dropped}")
print(f"  {'minute':>6} {'charges':>9} {'database MB':>11} {'retained MB':>11} {'other MB':>9}")
start = rows[0][0] if rows else 0
for t, charges, db, retained in rows:
    print(f"  {(t - start) / 60:>6.1f} {charges:>9} {db / 2**20:>11.1f} {retained / 2**20:>11.1f} {(db - retained) / 2**20:>9.1f}")
PY
  cat "$OUT/db_size.txt"
  log "everything is in $OUT"
}

run_retention "$@"
