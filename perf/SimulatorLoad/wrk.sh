#!/usr/bin/env bash
# Closed-model second opinion with Debian's wrk: N connections each keep one request in flight, so at
# 1-3 s of simulated latency N connections mean N requests in flight and about N / 2 s requests a second.
# Usage: perf/SimulatorLoad/wrk.sh [connections=12500] [seconds=30] [latency_min_ms=1000] [latency_max_ms=3000]
# Needs wrk (apt-get install wrk). Optional: SIM_PORT (5099), SIM_ENV ("DOTNET_x=y …" for the simulator
# process), SIM_DLL (another simulator build to compare).
set -euo pipefail
cd "$(dirname "$0")/../.."
connections="${1:-12500}"
seconds="${2:-30}"
min="${3:-1000}"
max="${4:-3000}"
port="${SIM_PORT:-5099}"
(( seconds <= 60 )) || { echo "at most 60 s"; exit 1; }
# Each side holds one descriptor per connection; raise the soft limit as far as the hard one allows.
ulimit -n "$(ulimit -Hn)"

dotnet build -c Release src/PspSimulator -v quiet -nologo > /dev/null
Urls="http://127.0.0.1:${port}" \
  env ${SIM_ENV:-} dotnet "${SIM_DLL:-src/PspSimulator/bin/Release/net10.0/PspSimulator.dll}" > /tmp/psp-simulator-wrk.log 2>&1 &
sim=$!
trap 'kill "$sim" 2>/dev/null || true; wait "$sim" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:${port}/_sim/health" > /dev/null && break
  sleep 0.1
done

stats() {
  curl -sf "http://127.0.0.1:${port}/_sim/stats?gc=true" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(" ".join(f"{k}={s[k]}" for k in ["payment_intents","idempotency_keys","events","max_requests_in_flight","managed_heap_bytes","working_set_bytes","gen0_collections","gen1_collections","gen2_collections","gc_pause_ms"]))'
}

curl -sf -X PUT "http://127.0.0.1:${port}/_sim/faults" -H 'Content-Type: application/json' \
  -d "{\"latency_ms\":{\"min\":${min},\"max\":${max}}}" > /dev/null
# Requests in flight inside the simulator, sampled every 5 s while wrk runs.
(
  sleep 5
  while sleep 5; do
    curl -sf "http://127.0.0.1:${port}/_sim/stats" | python3 -c 'import json,sys; print("in flight:", json.load(sys.stdin)["requests_in_flight"])' || break
  done
) &
sampler=$!
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
sim_cpu_before=$(cpu_ticks "$sim")
/usr/bin/time -f "wrk cpu: %U s user + %S s system" wrk -t2 -c"${connections}" -d"${seconds}s" --timeout 20s --latency -s perf/SimulatorLoad/create.lua "http://127.0.0.1:${port}"
kill "$sampler" 2>/dev/null || true
echo "simulator cpu during the run: $(( ($(cpu_ticks "$sim") - sim_cpu_before) * 1000 / $(getconf CLK_TCK) )) ms (now user/system ticks: $(awk '{ print $14 "/" $15 }' "/proc/$sim/stat"))"
echo "simulator after the run:"
stats
curl -sf -X POST "http://127.0.0.1:${port}/_sim/clock/advance?seconds=262800" > /dev/null
echo "simulator after moving its clock 73 h (everything past retention pruned):"
stats
