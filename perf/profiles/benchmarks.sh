#!/usr/bin/env bash
# The micro-benchmarks (perf/Benchmarks, BenchmarkDotNet with the memory diagnoser) of a commit:
# HEAD (or SOURCE=<commit>) is exported apart from the shared working tree, built in Release and
# run from there, so the figures belong to that commit; results are copied to perf/results/.
# Usage: perf/profiles/benchmarks.sh [BenchmarkDotNet options; default: --filter '*' --job short]
#   e.g. perf/profiles/benchmarks.sh --filter '*IntentGroupCommit*'      (default job: full figures)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
OUT="$ROOT/perf/results/benchmarks-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
prepare_source
log "benchmarks of the $SOURCE_DESC"
dotnet build -c Release -nologo -v quiet "$BUILD_ROOT/perf/Benchmarks/Payments.Benchmarks.csproj" > "$OUT/build.log" 2>&1
[[ $# -gt 0 ]] || set -- --filter '*' --job short
# BenchmarkDotNet finds the project to build its runner under the working folder: the export's.
(cd "$BUILD_ROOT" && dotnet perf/Benchmarks/bin/Release/net10.0/Payments.Benchmarks.dll "$@" --artifacts "$OUT") 2>&1 | tee "$OUT/benchmarks.txt"
log "results in $OUT/results"
