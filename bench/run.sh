#!/usr/bin/env bash
# Benchmarks `moat threats` (every output format) and `moat diagram` on
# generated pytm models, and pytm itself on the same scripts when it can be
# installed into bench/.venv. Prints a Markdown table for docs/performance.md.
#
#   bench/run.sh                      # sizes 100 1000 10000, pytm up to 1000
#   SIZES="100 1000" PYTM_MAX=5000 bench/run.sh
#   NO_PYTM=1 bench/run.sh            # moat only
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"100 1000 10000"}
PYTM_MAX=${PYTM_MAX:-1000}
PYTM_TIMEOUT=${PYTM_TIMEOUT:-300}
RUNS=${RUNS:-3}
OUT=bench/out
mkdir -p "$OUT"

cargo build --release -q -p moat-cli
MOAT=$PWD/target/release/moat

PYTHON=""
if [ "${NO_PYTM:-0}" != 1 ]; then
  if [ ! -x bench/.venv/bin/python ] || ! bench/.venv/bin/python -c 'import pytm' 2>/dev/null; then
    python3 -m venv bench/.venv && bench/.venv/bin/pip install -q 'pytm==1.4.0' || echo "pytm could not be installed; timing moat only" >&2
  fi
  bench/.venv/bin/python -c 'import pytm' 2>/dev/null && PYTHON=$PWD/bench/.venv/bin/python
fi

# best-of-RUNS wall time (s) and the peak RSS (MiB) of that run
measure() {
  local best="" rss=""
  for _ in $(seq "$RUNS"); do
    local line
    /usr/bin/time -o "$OUT/.time" -f '%e %M' "$@" >/dev/null 2>&1 || true
    line=$(tail -n 1 "$OUT/.time")
    local t=${line% *} m=${line#* }
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; rss=$m; fi
  done
  printf '%s s | %s MiB' "$best" "$((rss / 1024))"
}

echo "| elements | flows | command | wall (best of $RUNS) | peak RSS |"
echo "|---:|---:|---|---:|---:|"
for n in $SIZES; do
  model=$OUT/model_$n.py
  python3 bench/gen_model.py "$n" "$model"
  flows=$((n * 5))
  for fmt in text json md; do
    echo "| $n | $flows | moat threats -f $fmt | $(measure "$MOAT" threats "$model" -f "$fmt" -o "$OUT/threats_$n.$fmt") |"
  done
  for fmt in dot mermaid plantuml-seq; do
    echo "| $n | $flows | moat diagram -f $fmt | $(measure "$MOAT" diagram "$model" -f "$fmt" -o "$OUT/dfd_$n.$fmt") |"
  done
  if [ -n "$PYTHON" ] && [ "$n" -le "$PYTM_MAX" ]; then
    # pytm resolves threats when the script runs; --json writes them out
    echo "| $n | $flows | pytm (resolve) | $(RUNS=1 measure timeout "$PYTM_TIMEOUT" "$PYTHON" "$model") |"
    echo "| $n | $flows | pytm --json | $(RUNS=1 measure timeout "$PYTM_TIMEOUT" "$PYTHON" "$model" --json "$OUT/pytm_$n.json") |"
  fi
done
