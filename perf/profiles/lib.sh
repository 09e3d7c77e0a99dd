#!/usr/bin/env bash
# Shared by the one-command profiles (quick.sh, peak.sh): Release builds; the PSP simulator and
# the service started on free loopback ports with the profile's settings (the service with its
# own embedded PostgreSQL in a git-ignored folder, fresh each run); the load runner with the
# CPU split of every process from /proc (its report in load.json, its chart in load.png: rates,
# in flight, latency percentiles and CPU per second); pgbench at the concurrency the service used; a summary;
# and a stop of everything started here, by PID, whatever happens.
#
# What is measured is a commit, not whatever the shared working tree holds at the moment: by
# default HEAD is exported (git archive) to $PERF_BUILD_ROOT/<sha> (/var/tmp/payments-perf-build,
# outside the clone so that no tool scanning the clone finds a second copy of a project) and built
# there; SOURCE=<commit> picks another, SOURCE=tree builds the working tree as it is.
#
# A profile sets PROFILE RATE DURATION WARMUP LATENCY_MIN LATENCY_MAX PGBENCH_SECONDS and may set
# RESPOND_ASYNC (1) FINAL_SAMPLE (0.005) FINAL_BOUND (10), each overridable from the environment
# (e.g. RATE=6000 perf/profiles/peak.sh), then calls run_profile "$@" (extra arguments go to the
# load runner, e.g. --retry-share 0.05).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STARTED_PIDS=()

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Stops what this script started, newest first: SIGTERM (the service then stops its PostgreSQL),
# up to 30 s, then SIGKILL. Only these PIDs, never by name.
stop_all() {
  local i pid
  for (( i=${#STARTED_PIDS[@]}-1; i>=0; i-- )); do
    pid="${STARTED_PIDS[$i]}"
    kill -0 "$pid" 2>/dev/null || continue
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "PID $pid did not stop in 30 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
}

wait_for_url() { # url seconds
  local deadline=$(( SECONDS + $2 ))
  until curl -sf -o /dev/null "$1"; do
    (( SECONDS < deadline )) || return 1
    sleep 0.2
  done
}

prepare_source() {
  if [[ "${SOURCE:-HEAD}" == tree ]]; then
    BUILD_ROOT="$ROOT"
    SOURCE_DESC="working tree at $(git -C "$ROOT" rev-parse --short=12 HEAD)"
    [[ -z "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ]] || SOURCE_DESC+=" with uncommitted changes"
    return
  fi
  local sha; sha="$(git -C "$ROOT" rev-parse --verify "${SOURCE:-HEAD}^{commit}")"
  BUILD_ROOT="${PERF_BUILD_ROOT:-/var/tmp/payments-perf-build}/${sha:0:12}"
  if [[ ! -f "$BUILD_ROOT/PaymentPipeline.sln" ]]; then
    mkdir -p "$BUILD_ROOT"
    git -C "$ROOT" archive "$sha" | tar -x -C "$BUILD_ROOT"
  fi
  SOURCE_DESC="commit ${sha:0:12} (exported with git archive and built apart from the working tree)"
}

build_release() {
  local attempt
  for attempt in 1 2 3; do
    # Another engineer's build can hold a file for a moment: retry rather than fail the profile.
    if dotnet build -c Release -nologo -v quiet "$BUILD_ROOT/src/Ingress/Ingress.csproj" > "$OUT/build.log" 2>&1 \
      && dotnet build -c Release -nologo -v quiet "$BUILD_ROOT/perf/Load/Load.csproj" >> "$OUT/build.log" 2>&1; then
      return 0
    fi
    log "build attempt $attempt failed (see $OUT/build.log); retrying"
    sleep 5
  done
  return 1
}

# Builds the commit and starts the simulator (PSP latency LATENCY_MIN-LATENCY_MAX ms) and the
# service with a fresh embedded PostgreSQL, with samplers of the service's database concurrency
# and its process; sets OUT, SIM_PORT, SVC_PORT, KEY, SVC_PID, PG_PID, SIM_PID, PG_DIR, PG_PORT,
# BINDIR, SAMPLER_PID. RATE sizes the open-files check.
start_stack() {
  local stamp; stamp="$(date -u +%Y%m%dT%H%M%SZ)"
  OUT="$ROOT/perf/results/$PROFILE-$stamp"
  mkdir -p "$OUT"
  trap stop_all EXIT
  trap 'exit 130' INT TERM
  # Every connection is a descriptor: the runner holds rate x accept latency, the service that
  # plus rate x PSP latency towards the simulator, which holds as many. Raise the soft limit to
  # the hard one (a child inherits it) and say when even that is short.
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  local need=$(( RATE * LATENCY_MAX / 1000 * 12 / 10 + 2048 ))
  log "open files: soft $(ulimit -n), hard $(ulimit -Hn); the service and the simulator each need about $need at ${RATE}/s with ${LATENCY_MAX} ms PSP latency"
  if [[ "$(ulimit -n)" != unlimited ]] && (( $(ulimit -n) < need )); then
    log "WARNING: raise the hard limit first (as root: ulimit -Hn $(( need * 2 )) or LimitNOFILE in systemd); this run may fail to connect"
  fi

  prepare_source
  log "building Release from the $SOURCE_DESC (log: $OUT/build.log)"
  build_release

  local secret cluster
  SIM_PORT="$(free_port)"; SVC_PORT="$(free_port)"
  secret="whsec_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  KEY="sk_load_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  cluster="$ROOT/.data/perf-postgres-$PROFILE"
  # A fresh cluster per run: figures do not depend on what earlier runs left in the tables.
  rm -rf "$cluster"
  if [[ "${PG_STATEMENTS:-0}" == 1 ]]; then
    # Diagnosis: statement totals from pg_stat_statements, read into $OUT/pg-statements.txt.
    mkdir -p "$cluster"
    printf "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track = all\n" > "$cluster/postgresql.local.conf"
  fi

  log "starting the PSP simulator on 127.0.0.1:$SIM_PORT (latency ${LATENCY_MIN}-${LATENCY_MAX} ms)"
  env Urls="http://127.0.0.1:$SIM_PORT" \
    Simulator__ApiKey=sk_test_sim \
    Simulator__WebhookUrl="http://127.0.0.1:$SVC_PORT/psp/webhooks" \
    Simulator__WebhookSecret="$secret" \
    Simulator__Seed=42 \
    Simulator__Faults__latency_ms__min="$LATENCY_MIN" \
    Simulator__Faults__latency_ms__max="$LATENCY_MAX" \
    dotnet "$BUILD_ROOT/src/PspSimulator/bin/Release/net10.0/PspSimulator.dll" > "$OUT/simulator.log" 2>&1 &
  SIM_PID=$!
  STARTED_PIDS+=("$SIM_PID")
  wait_for_url "http://127.0.0.1:$SIM_PORT/_sim/health" 60 || { log "the simulator did not start (see $OUT/simulator.log)"; return 1; }

  log "starting the service on 127.0.0.1:$SVC_PORT with a fresh embedded PostgreSQL in $cluster"
  # Per-request framework logs at Information cost more than the request itself at this rate;
  # an operator runs with them at Warning, and so does the profile.
  env Urls="http://127.0.0.1:$SVC_PORT" \
    EmbeddedPostgres__Directory="$cluster" \
    Psp__BaseUrl="http://127.0.0.1:$SIM_PORT" \
    Psp__ApiKey=sk_test_sim \
    Psp__WebhookSecret="$secret" \
    DemoMerchant__ApiKey="$KEY" \
    'Logging__LogLevel__Microsoft.AspNetCore=Warning' \
    dotnet "$BUILD_ROOT/src/Ingress/bin/Release/net10.0/Payments.Ingress.dll" > "$OUT/service.log" 2>&1 &
  SVC_PID=$!
  STARTED_PIDS+=("$SVC_PID")
  wait_for_url "http://127.0.0.1:$SVC_PORT/readyz" 180 || { log "the service did not become ready (see $OUT/service.log)"; return 1; }

  PG_DIR="$(sed -n 's/.*Embedded PostgreSQL started from \(.*\) on 127\.0\.0\.1:[0-9]*.*/\1/p' "$OUT/service.log" | tail -1)"
  PG_PID="$(head -1 "$PG_DIR/data/postmaster.pid")"
  log "PIDs: service $SVC_PID, postgres $PG_PID ($PG_DIR), simulator $SIM_PID"

  # The service's concurrency against PostgreSQL, sampled each second (non-idle backends of its
  # database): pgbench later runs at the highest value seen, "the same concurrency".
  BINDIR="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  PG_PORT="$(sed -n 4p "$PG_DIR/data/postmaster.pid")"
  (
    export PGPASSWORD; PGPASSWORD="$(cat "$PG_DIR/superuser.password")"
    for _ in $(seq 1 $(( ${STACK_SECONDS:-$(( WARMUP + DURATION ))} + 600 ))); do
      "$BINDIR/psql" -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d payments -Atc \
        "SELECT count(*) FROM pg_stat_activity WHERE datname = 'payments' AND state NOT IN ('idle') AND pid <> pg_backend_pid()" 2>/dev/null || true
      sleep 1
    done
  ) > "$OUT/pg-active.txt" &
  SAMPLER_PID=$!
  STARTED_PIDS+=("$SAMPLER_PID")
  # The service's open files, threads and RSS each second: descriptors are the limit that
  # breaks first at the peak (each PSP call and each client connection holds one).
  (
    echo "seconds open_files threads rss_mib"
    for s in $(seq 1 $(( ${STACK_SECONDS:-$(( WARMUP + DURATION ))} + 600 ))); do
      [[ -d /proc/$SVC_PID ]] || break
      printf '%s %s %s %s\n' "$s" "$(ls /proc/$SVC_PID/fd 2>/dev/null | wc -l)" \
        "$(awk '/^Threads/ {print $2}' /proc/$SVC_PID/status 2>/dev/null)" \
        "$(awk '/^VmRSS/ {printf "%d", $2 / 1024}' /proc/$SVC_PID/status 2>/dev/null)"
      sleep 1
    done
  ) > "$OUT/service-proc.txt" &
  STARTED_PIDS+=("$!")
}

run_profile() {
  : "${PROFILE:?}" "${RATE:?}" "${DURATION:?}" "${WARMUP:?}" "${LATENCY_MIN:?}" "${LATENCY_MAX:?}" "${PGBENCH_SECONDS:?}"
  RESPOND_ASYNC="${RESPOND_ASYNC:-1}" FINAL_SAMPLE="${FINAL_SAMPLE:-0.005}" FINAL_BOUND="${FINAL_BOUND:-10}"
  cd "$ROOT"
  start_stack
  local runner_args=(--url "http://127.0.0.1:$SVC_PORT" --key "$KEY" --simulator-url "http://127.0.0.1:$SIM_PORT"
    --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" --final-sample "$FINAL_SAMPLE" --final-bound "$FINAL_BOUND"
    --watch "service=$SVC_PID" --watch "postgres=$PG_PID" --watch "simulator=$SIM_PID" --json "$OUT/load.json")
  [[ "$RESPOND_ASYNC" == 1 ]] && runner_args+=(--respond-async)
  log "load: dotnet perf/Load/bin/Release/net10.0/Payments.Load.dll ${runner_args[*]/$KEY/<key>} $*"
  local runner_status=0
  # pipefail: the pipeline's status is the runner's (tee does not fail).
  dotnet "$BUILD_ROOT/perf/Load/bin/Release/net10.0/Payments.Load.dll" "${runner_args[@]}" "$@" 2>&1 | tee "$OUT/load.txt" || runner_status=$?

  kill -TERM "$SAMPLER_PID" 2>/dev/null || true
  wait "$SAMPLER_PID" 2>/dev/null || true
  postgres_cpu_by_role "$PG_PID" > "$OUT/pg-cpu-by-role.txt" || true
  if [[ "${PG_STATEMENTS:-0}" == 1 ]]; then
    PGPASSWORD="$(cat "$PG_DIR/superuser.password")" "$BINDIR/psql" -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d payments -c \
      "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT calls, round(total_exec_time) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query
         FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 30" > "$OUT/pg-statements.txt" 2>&1 || true
  fi
  local clients
  clients="$(sort -n "$OUT/pg-active.txt" | tail -1)"; clients="${clients:-1}"
  (( clients >= 1 )) || clients=1

  log "pgbench at the service's peak concurrency against PostgreSQL: $clients clients, ${PGBENCH_SECONDS} s per mode"
  "$BUILD_ROOT/perf/pgbench/run.sh" --cluster "$PG_DIR" --clients "$clients" --seconds "$PGBENCH_SECONDS" --out "$OUT/pgbench.txt" || log "pgbench failed"

  log "stopping everything started here"
  stop_all

  if [[ -f "$OUT/load.json" ]]; then
    summarize "$runner_status" "$clients" "$SOURCE_DESC"
  fi
  log "everything is in $OUT"
  return "$runner_status"
}

# CPU seconds of the postmaster's live children, grouped by what their process title says they
# are (walsender, a client backend, checkpointer, ...): where PostgreSQL's share went.
postgres_cpu_by_role() { # postmaster_pid
  python3 - "$1" <<'PY'
import os, re, sys, collections
tick = os.sysconf("SC_CLK_TCK"); totals = collections.Counter()
for child in open(f"/proc/{sys.argv[1]}/task/{sys.argv[1]}/children").read().split():
    try:
        title = open(f"/proc/{child}/cmdline").read().replace("\0", " ").strip()
        fields = open(f"/proc/{child}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    role = re.sub(r"\(\d+\)|\d+/\d+|\s+(idle|active|idle in transaction).*$", "", title.removeprefix("postgres: ")).strip()
    totals[role] += (int(fields[11]) + int(fields[12])) / tick
for role, seconds in totals.most_common():
    print(f"{seconds:9.1f} s  {role}")
PY
}

summarize() { # runner_status pgbench_clients source_description
  python3 - "$OUT" "$1" "$2" "$3" <<'PY' | tee "$OUT/summary.txt"
import json, re, sys, os
out, status, clients, source = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
report = json.load(open(os.path.join(out, "load.json")))
load, correctness, machine, settings = report["load"], report["correctness"], report["machine"], report["settings"]
ours = load["accepted_per_second"]
print(f"profile summary ({out})")
print(f"  started {report['started_at']}, measured {source}")
print(f"  machine {machine['cores']} cores, {machine['memory_gib']} GiB, open files soft {machine['open_files_soft']} hard {machine['open_files_hard']}")
a = load["accept"]; f = load["time_to_final"]
print(f"  offered {settings['rate']}/s for {settings['duration_seconds']} s (+{settings['warmup_seconds']} s warm-up), respond-async {settings['respond_async']}")
print(f"  achieved {load['achieved_arrival_rate']:.0f} arrivals/s, {ours:.0f} accepted charges/s")
print(f"  accept ms p50 {a['p50']:.1f} p90 {a['p90']:.1f} p99 {a['p99']:.1f} p99.9 {a['p999']:.1f} max {a['max']:.1f}")
print(f"  final ms  p50 {f['p50']:.0f} p90 {f['p90']:.0f} p99 {f['p99']:.0f} p99.9 {f['p999']:.0f} max {f['max']:.0f} (n={f['count']})")
print(f"  max in flight {load['max_in_flight']}")
print("  cpu: " + ", ".join(f"{c['name']} {c['cores']:.2f} cores ({c['percent_of_machine']:.0f} %)" for c in load["cpu_split"]))
rss = [s["rss_mib"].get("service") for s in load["timeline"] if s["rss_mib"].get("service")]
if rss:
    print(f"  service RSS MiB: first {rss[0]:.0f}, last {rss[-1]:.0f}, max {max(rss):.0f}")
print(f"  double charges: {correctness['double_charges']}, lost: {correctness['lost']}, all final within {settings['final_bound_seconds']} s: {correctness['all_final_within_bound']} ({correctness['seconds_to_all_final']}), captured ours {correctness['our_captured']} vs PSP {correctness['psp_captured']}")
bench = open(os.path.join(out, "pgbench.txt")).read() if os.path.exists(os.path.join(out, "pgbench.txt")) else ""
for mode in ("one-tx", "per-step"):
    m = re.search(rf"pgbench {mode}: ([0-9.]+) charges/s", bench)
    if m:
        print(f"  pgbench {mode} at {clients} clients: {float(m.group(1)):.0f} charges/s; ours / pgbench = {ours / float(m.group(1)):.2f}")
print(f"  correctness verdict: {'PASSED' if status == 0 else 'FAILED (runner exit ' + str(status) + ')'}")
PY
}
