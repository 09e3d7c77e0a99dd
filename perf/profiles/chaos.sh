#!/usr/bin/env bash
# Chaos runner (issue 18): seeded schedules of workload, PSP faults, service-instance kills,
# PostgreSQL crashes and compressed PSP outages against two service instances on one database,
# each judged against the PSP's ground truth. Builds the commit (HEAD by default, exported apart
# from the working tree as the other profiles do; SOURCE=tree for the working tree), then runs
# the runner, which starts and stops everything itself (perf/Chaos/README.md).
# Usage: perf/profiles/chaos.sh                 # seeds 1-20
#        perf/profiles/chaos.sh --seeds 1-1000  # the long run
#        perf/profiles/chaos.sh --seed 42       # replays one schedule
# Output: perf/results/chaos-<stamp>/ (run.log, summary.md, schedules.json, chaos.png).
PROFILE=chaos
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$ROOT/perf/results/chaos-$stamp"
mkdir -p "$OUT"
prepare_source
log "building Release from the $SOURCE_DESC (log: $OUT/build.log)"
dotnet build -c Release -nologo -v quiet "$BUILD_ROOT/perf/Chaos/Runner/Chaos.csproj" > "$OUT/build.log" 2>&1
log "running the chaos runner $* (log: $OUT/run.log)"
set +e
dotnet "$BUILD_ROOT/perf/Chaos/Runner/bin/Release/net10.0/Payments.Chaos.dll" --out "$OUT" "$@" 2>&1 | tee "$OUT/run.log"
status=${PIPESTATUS[0]}
set -e
log "exit $status; results in $OUT"
exit "$status"
