#!/usr/bin/env bash
# Capacity profile: the highest offered rate the service sustains. One stack (the PSP simulator at
# 1-3 s, the service with a fresh embedded PostgreSQL, all on this machine), then the offered rate
# stepped from START to MAX by STEP, STEP_SECONDS each after a WARMUP, with Prefer: respond-async
# and the load runner's correctness check on each step's own charges. A step passes when it accepts
# at least 98 % of the arrivals offered and every check passes (0 double, 0 lost, totals equal, all
# final within FINAL_BOUND s of the last send); the profile stops at the first step that fails. Then
# pgbench (one transaction per charge, the same writes) at PGBENCH_CLIENTS clients on the same
# cluster, and a summary: the sustained capacity (the last passing step), the CPU per accepted
# charge of each component at that step, and the capacity over the pgbench figure; the same per
# step drawn in capacity.png, and each step's own chart in step-<rate>.png.
# Usage: [START=500 STEP=500 MAX=6000 STEP_SECONDS=45] perf/profiles/capacity.sh [extra load-runner options]
PROFILE=capacity
START=${START:-500} STEP=${STEP:-500} MAX=${MAX:-6000} STEP_SECONDS=${STEP_SECONDS:-45} WARMUP=${WARMUP:-5}
LATENCY_MIN=${LATENCY_MIN:-1000} LATENCY_MAX=${LATENCY_MAX:-3000} PGBENCH_SECONDS=${PGBENCH_SECONDS:-30} PGBENCH_CLIENTS=${PGBENCH_CLIENTS:-32}
FINAL_SAMPLE=${FINAL_SAMPLE:-0.002} FINAL_BOUND=${FINAL_BOUND:-10}
# The open-files check and the samplers are sized for the largest step and every step.
RATE=$MAX DURATION=$(( (MAX - START) / STEP * (STEP_SECONDS + WARMUP + 30) + STEP_SECONDS ))
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

run_capacity() {
  cd "$ROOT"
  start_stack
  local rate last_pass="" runner_status
  for (( rate = START; rate <= MAX; rate += STEP )); do
    log "step: ${rate}/s for ${STEP_SECONDS} s (+${WARMUP} s warm-up)"
    runner_status=0
    dotnet "$BUILD_ROOT/perf/Load/bin/Release/net10.0/Payments.Load.dll" \
      --url "http://127.0.0.1:$SVC_PORT" --key "$KEY" --simulator-url "http://127.0.0.1:$SIM_PORT" \
      --rate "$rate" --duration "$STEP_SECONDS" --warmup "$WARMUP" --final-sample "$FINAL_SAMPLE" --final-bound "$FINAL_BOUND" \
      --watch "service=$SVC_PID" --watch "postgres=$PG_PID" --watch "simulator=$SIM_PID" --respond-async \
      --json "$OUT/step-$rate.json" "$@" > "$OUT/step-$rate.txt" 2>&1 || runner_status=$?
    if python3 - "$OUT/step-$rate.json" "$rate" "$runner_status" <<'PY'
import json, sys
path, rate, status = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
try:
    load = json.load(open(path))["load"]
except (OSError, ValueError, KeyError):
    sys.exit(1)
share = load["accepted_per_second"] / rate
print(f"  accepted {load['accepted_per_second']:.0f}/s of {rate}/s offered ({share:.1%}), correctness {'passed' if status == 0 else 'FAILED'}")
sys.exit(0 if share >= 0.98 and status == 0 else 1)
PY
    then
      last_pass=$rate
    else
      log "step ${rate}/s failed: the sustained capacity is the step before it"
      break
    fi
  done

  "$ROOT/perf/profiles/db_size.sh" --cluster "$PG_DIR" > "$OUT/db_size.txt" 2>&1 || log "database size not read"
  log "pgbench one-tx at $PGBENCH_CLIENTS clients on the same cluster, ${PGBENCH_SECONDS} s"
  "$BUILD_ROOT/perf/pgbench/run.sh" --cluster "$PG_DIR" --clients "$PGBENCH_CLIENTS" --seconds "$PGBENCH_SECONDS" --modes one-tx \
    --out "$OUT/pgbench.txt" || log "pgbench failed"
  stop_all

  python3 - "$OUT" "${last_pass:-0}" "$PGBENCH_CLIENTS" "$SOURCE_DESC" <<'PY' | tee "$OUT/summary.txt"
import json, glob, os, re, sys
out, sustained, clients, source = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
print(f"capacity summary ({out})")
print(f"  measured {source}")
print(f"  {'offered/s':>9} {'accepted/s':>10} {'share':>6} {'accept p99 ms':>13} {'final p99 ms':>12} {'verdict':>8}  CPU ms per accepted charge")
for path in sorted(glob.glob(os.path.join(out, "step-*.json")), key=lambda p: int(re.search(r"step-(\d+)", p).group(1))):
    report = json.load(open(path)); load = report["load"]; rate = report["settings"]["rate"]
    accepted = load["accepted_per_second"]
    cpu = ", ".join(f"{c['name']} {c['cores'] * 1000 / accepted:.2f}" for c in load["cpu_split"]) if accepted else "-"
    verdict = "pass" if rate <= sustained else "FAIL"
    print(f"  {rate:>9} {accepted:>10.0f} {accepted / rate:>6.1%} {load['accept']['p99']:>13.1f} {load['time_to_final']['p99']:>12.0f} {verdict:>8}  {cpu}")
print(f"  sustained capacity: {sustained} charges/s (the last step accepting >= 98 % with every check passing)")
bench = open(os.path.join(out, "pgbench.txt")).read() if os.path.exists(os.path.join(out, "pgbench.txt")) else ""
m = re.search(r"pgbench one-tx: ([0-9.]+) charges/s", bench)
if m:
    figure = float(m.group(1))
    print(f"  pgbench one-tx at {clients} clients: {figure:.0f} charges/s; sustained / pgbench = {sustained / figure:.2f} (target >= 3)")
if os.path.exists(os.path.join(out, "db_size.txt")):
    print("  database after the steps (before pgbench):")
    print("".join("    " + line for line in open(os.path.join(out, "db_size.txt"))))
PY
  # The chart (perf/Plots, built with the load runner that references it): offered vs accepted and
  # the CPU per accepted charge of each component, per step.
  dotnet "$BUILD_ROOT/perf/Plots/bin/Release/net10.0/Payments.Plots.dll" capacity "$OUT" || log "capacity chart not drawn"
  log "everything is in $OUT"
}

run_capacity "$@"
