#!/usr/bin/env bash
# Quick profile (a smoke run, about two minutes with the builds): 1,000 charges/s for 15 s after
# a 3 s warm-up, the PSP simulator at 20-80 ms latency, everything on this machine, then the
# correctness check against the simulator's ground truth and a 10 s pgbench comparison.
# Usage: [RATE=…] perf/profiles/quick.sh [extra load-runner options]
PROFILE=quick RATE=${RATE:-1000} DURATION=${DURATION:-15} WARMUP=${WARMUP:-3} LATENCY_MIN=${LATENCY_MIN:-20} LATENCY_MAX=${LATENCY_MAX:-80} PGBENCH_SECONDS=${PGBENCH_SECONDS:-10} FINAL_SAMPLE=${FINAL_SAMPLE:-0.01}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
run_profile "$@"
