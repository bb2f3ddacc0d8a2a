#!/usr/bin/env bash
# Times Moat's evaluator and the peer's on the same cases, in one run
# (docs/performance.md): the peer's numbers from bench.mjs, Moat's from the
# `evaluate` benchmark fed the cases bench.mjs wrote.
#
#   compare/bench.sh [CASES_PER_SIZE]     # default 200
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
mkdir -p "$HERE/out"
if [ ! -d "$HERE/node_modules/@cloud-copilot/iam-simulate" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
fi
node "$HERE/bench.mjs" --cases "${1:-200}" > "$HERE/out/peer-bench.json"
FILES="$HERE/out/bench-1.json,$HERE/out/bench-10.json,$HERE/out/bench-100.json"
(cd "$ROOT" && MOAT_BENCH_CASES="$FILES" cargo bench -q -p moat-policy --bench evaluate 2>/dev/null | tail -n 1) > "$HERE/out/moat-bench.json"
echo "== peer (iam-simulate)"; cat "$HERE/out/peer-bench.json"
echo "== moat"; cat "$HERE/out/moat-bench.json"
