#!/usr/bin/env bash
# Times `moat scan` against checkov on a generated Terraform corpus
# (gen_tf_corpus.py: STACKS root modules of 4 files each plus a local module,
# so 1,003 .tf files by default) and prints wall time, CPU time, peak memory
# and the ratios moat/checkov.
#
#   compare/checkov/bench_tf.sh                  # 250 stacks (1,003 files), seed 1
#   STACKS=500 SEED=2 RUNS=3 compare/checkov/bench_tf.sh
#   MOAT=/path/to/moat compare/checkov/bench_tf.sh   # no cargo build
#
# Commands timed (stdout to a file in out/bench-tf/):
#   moat scan DIR --format json
#   checkov -d DIR --framework terraform -o json --quiet --skip-download
# Memory as in bench.sh (measure.py): max RSS of the largest process and the
# peak PSS summed over the process tree. Moat gets the best of MOAT_RUNS
# (default 3), checkov the best of RUNS (default 1). Results also go to
# out/bench-tf/bench.json and bench.md.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(git -C "$HERE" rev-parse --show-toplevel)
STACKS=${STACKS:-250}
SEED=${SEED:-1}
RUNS=${RUNS:-1}
MOAT_RUNS=${MOAT_RUNS:-3}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-1800}
OUT=$HERE/out/bench-tf
CORPUS_DIR=${CORPUS_DIR:-$HERE/out/tf-corpus}

"$HERE/setup.sh"
PY=$HERE/.venv/bin/python
mkdir -p "$OUT"
if [ -z "${MOAT:-}" ]; then
  (cd "$ROOT" && cargo build --release -q -p moat-cli)
  target=${CARGO_TARGET_DIR:-target}
  case $target in /*) ;; *) target=$ROOT/$target ;; esac
  MOAT=$target/release/moat
fi

rm -rf "$CORPUS_DIR"
"$PY" "$HERE/gen_tf_corpus.py" "$CORPUS_DIR" --stacks "$STACKS" --seed "$SEED"
NFILES=$(find "$CORPUS_DIR" -name '*.tf' | wc -l)

measure() {
  local runs=$1 tool=$2; shift 2
  local best=""
  for r in $(seq "$runs"); do
    local line
    line=$("$PY" "$HERE/measure.py" --timeout "$BENCH_TIMEOUT" --stdout "$OUT/$tool.out" -- "$@" 2>>"$OUT/$tool.err")
    echo "   $tool run $r: $line" >&2
    if [ -z "$best" ] || "$PY" -c 'import json,sys; a,b=(json.loads(x) for x in sys.argv[1:]); sys.exit(0 if isinstance(a["rc"],int) and (not isinstance(b["rc"],int) or a["wall_s"]<b["wall_s"]) else 1)' "$line" "$best"; then
      best=$line
    fi
  done
  "$PY" -c 'import json,sys; d=json.loads(sys.argv[2]); d["tool"]=sys.argv[1]; print(json.dumps(d))' "$tool" "$best" >> "$OUT/bench.jsonl"
}

rm -f "$OUT"/*.out "$OUT"/*.err "$OUT"/bench.*
echo "== timing on $NFILES .tf files in $CORPUS_DIR (checkov best of $RUNS; moat best of $MOAT_RUNS)" >&2
measure "$MOAT_RUNS" moat "$MOAT" scan "$CORPUS_DIR" --format json
echo "-- checkov $("$HERE/.venv/bin/checkov" --version)" >&2
measure "$RUNS" checkov "$HERE/.venv/bin/checkov" -d "$CORPUS_DIR" --framework terraform -o json --quiet --skip-download

"$PY" - "$OUT" "$NFILES" "$SEED" <<'PY'
import json, os, sys
out, nfiles, seed = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = {}
with open(os.path.join(out, "bench.jsonl")) as f:
    for line in f:
        d = json.loads(line)
        rows[d["tool"]] = d
def cmd(d):
    return " ".join(os.path.basename(c) if i == 0 else c for i, c in enumerate(d["cmd"]))
lines = [f"{nfiles} generated .tf files (gen_tf_corpus.py seed {seed}), {os.cpu_count()} cores, "
         f"load average {os.getloadavg()[0]:.2f} at the end", "",
         "| tool | wall s | CPU s | max RSS MiB | tree PSS MiB | rc | command |", "|---|---:|---:|---:|---:|---|---|"]
for t in ("moat", "checkov"):
    d = rows[t]
    lines.append(f"| {t} | {d['wall_s']} | {d['cpu_s']} | {d['max_rss_mib']} | {d['tree_pss_mib']} | {d['rc']} | `{cmd(d)}` |")
m, p = rows["moat"], rows["checkov"]
r = lambda a, b: f"{a / b:.4f}" if b else "-"
lines += ["", f"- checkov/moat wall: {p['wall_s'] / m['wall_s']:.0f}x" if m["wall_s"] else "- wall: -",
          f"- moat/checkov: max RSS {r(m['max_rss_mib'], p['max_rss_mib'])}, tree PSS {r(m['tree_pss_mib'], p['tree_pss_mib'])}"]
text = "\n".join(lines) + "\n"
print(text)
with open(os.path.join(out, "bench.md"), "w") as f:
    f.write(text)
with open(os.path.join(out, "bench.json"), "w") as f:
    json.dump({"files": nfiles, "seed": seed, "results": rows}, f, indent=1)
PY
