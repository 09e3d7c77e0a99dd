#!/usr/bin/env bash
# Peak profile (the seed's peak): 5,000 charges/s for 60 s after a 10 s warm-up with
# Prefer: respond-async, the PSP simulator at 1-3 s latency (about 10,000 PSP calls in flight),
# everything on this one machine; then the correctness check against the simulator's ground
# truth (double charges, lost charges, all final within 10 s, captured totals) and pgbench at the
# same concurrency for 30 s per mode. Run it on a quiet machine: the figures are the machine's.
# Usage: [RATE=6000] perf/profiles/peak.sh [extra load-runner options]
PROFILE=peak RATE=${RATE:-5000} DURATION=${DURATION:-60} WARMUP=${WARMUP:-10} LATENCY_MIN=${LATENCY_MIN:-1000} LATENCY_MAX=${LATENCY_MAX:-3000} PGBENCH_SECONDS=${PGBENCH_SECONDS:-30} FINAL_SAMPLE=${FINAL_SAMPLE:-0.002}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
run_profile "$@"
