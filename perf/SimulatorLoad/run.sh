#!/usr/bin/env bash
# Load run of the PSP simulator: builds both in Release, starts the simulator on a loopback port,
# drives it with the open-model runner, stops it. Bounded: at most 60 s of sending.
# Usage: perf/SimulatorLoad/run.sh [--rate 5000] [--duration 30] [--latency-min 1000] [--latency-max 3000]
set -euo pipefail
cd "$(dirname "$0")/../.."
port="${SIM_PORT:-5099}"

# Ten thousand connections on each side need more descriptors than the usual default.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

dotnet build -c Release src/PspSimulator -v quiet -nologo > /dev/null
dotnet build -c Release perf/SimulatorLoad -v quiet -nologo > /dev/null

Urls="http://127.0.0.1:${port}" \
  dotnet src/PspSimulator/bin/Release/net10.0/PspSimulator.dll > /tmp/psp-simulator-load.log 2>&1 &
sim=$!
trap 'kill "$sim" 2>/dev/null || true; wait "$sim" 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:${port}/_sim/health" > /dev/null && break
  sleep 0.1
done

dotnet perf/SimulatorLoad/bin/Release/net10.0/SimulatorLoad.dll --url "http://127.0.0.1:${port}" "$@"
