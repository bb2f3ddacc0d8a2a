#!/usr/bin/env bash
# Times `moat scan` against checkov and cfn-lint on N generated CloudFormation
# templates (gen_corpus.py: six S3-related resources each, half YAML with
# short-form tags, half JSON) and prints one table: wall time, CPU time, peak
# memory, and the ratios moat/checkov and moat/cfn-lint.
#
#   compare/checkov/bench.sh                 # 1000 templates, seed 1, one run each
#   N=300 SEED=2 RUNS=3 compare/checkov/bench.sh
#   MOAT=/path/to/moat compare/checkov/bench.sh   # no cargo build
#   NO_MOAT=1 compare/checkov/bench.sh       # the two peers only
#
# Commands timed (stdout to a file in out/bench/, so output formatting counts):
#   moat scan DIR --format json
#   checkov -d DIR --framework cloudformation -o json --quiet --skip-download
#   cfn-lint 'DIR/**/*'              (cfn-lint expands the glob itself)
# --skip-download keeps checkov from asking the vendor's API for guidelines (no
# route from here; with a route it would only add a request). Memory: "max RSS"
# is the largest single process (GNU time's %M), "tree PSS" the largest sampled
# sum of proportional set sizes over the process tree (measure.py; checkov forks
# workers). Each tool gets BENCH_TIMEOUT seconds
# (default 900). Results also go to out/bench/bench.json and bench.md.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(git -C "$HERE" rev-parse --show-toplevel)
N=${N:-1000}
SEED=${SEED:-1}
RUNS=${RUNS:-1}
# Moat runs in under a second, where a cold page cache is most of the noise:
# it gets the best of MOAT_RUNS (the peers, a minute or more each, RUNS)
MOAT_RUNS=${MOAT_RUNS:-3}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-900}
OUT=$HERE/out/bench
CORPUS_DIR=${CORPUS_DIR:-$HERE/out/corpus}

"$HERE/setup.sh"
PY=$HERE/.venv/bin/python
mkdir -p "$OUT"

MOAT_OK=0
if [ "${NO_MOAT:-0}" != 1 ]; then
  if [ -z "${MOAT:-}" ]; then
    echo "== building moat (cargo build --release -p moat-cli)" >&2
    if (cd "$ROOT" && cargo build --release -q -p moat-cli); then
      target=${CARGO_TARGET_DIR:-target}
      case $target in /*) ;; *) target=$ROOT/$target ;; esac
      MOAT=$target/release/moat
    else
      echo "bench.sh: moat-cli does not build; timing the peers only" >&2
      MOAT=
    fi
  fi
  if [ -n "$MOAT" ] && [ -x "$MOAT" ] && "$MOAT" scan --help >/dev/null 2>&1; then
    MOAT_OK=1
  else
    echo "bench.sh: moat scan not available (${MOAT:-no binary}); skipping moat, timing checkov and cfn-lint only" >&2
  fi
fi

rm -rf "$CORPUS_DIR"
"$PY" "$HERE/gen_corpus.py" "$CORPUS_DIR" --n "$N" --seed "$SEED"
NFILES=$(find "$CORPUS_DIR" -type f | wc -l)

: > "$OUT/bench.jsonl"
# measure TOOL CMD...: best-of-RUNS wall time, appended to bench.jsonl with the tool name
measure() {
  local runs=$1; shift
  local tool=$1; shift
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
echo "== timing on $NFILES templates in $CORPUS_DIR (best of $RUNS; moat best of $MOAT_RUNS; timeout ${BENCH_TIMEOUT}s each)" >&2
if [ "$MOAT_OK" = 1 ]; then
  echo "-- moat scan" >&2
  measure "$MOAT_RUNS" moat "$MOAT" scan "$CORPUS_DIR" --format json
fi
echo "-- checkov $("$HERE/.venv/bin/checkov" --version)" >&2
measure "$RUNS" checkov "$HERE/.venv/bin/checkov" -d "$CORPUS_DIR" --framework cloudformation -o json --quiet --skip-download
echo "-- $("$HERE/.venv/bin/cfn-lint" --version)" >&2
measure "$RUNS" cfn-lint "$HERE/.venv/bin/cfn-lint" "$CORPUS_DIR/**/*"

"$PY" - "$OUT" "$NFILES" "$SEED" "$MOAT_OK" <<'PY'
import json, os, platform, sys
out, nfiles, seed, moat_ok = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
rows = {}
with open(os.path.join(out, "bench.jsonl")) as f:
    for line in f:
        d = json.loads(line)
        rows[d["tool"]] = d
def cmd(d):
    return " ".join(os.path.basename(c) if i == 0 else c for i, c in enumerate(d["cmd"]))
lines = [f"{nfiles} generated templates (gen_corpus.py seed {seed}), {os.cpu_count()} cores, "
         f"load average {os.getloadavg()[0]:.2f} at the end", "",
         "| tool | wall s | CPU s | max RSS MiB | tree PSS MiB | rc | command |", "|---|---:|---:|---:|---:|---|---|"]
for t in ("moat", "checkov", "cfn-lint"):
    if t in rows:
        d = rows[t]
        lines.append(f"| {t} | {d['wall_s']} | {d['cpu_s']} | {d['max_rss_mib']} | {d['tree_pss_mib']} | {d['rc']} | `{cmd(d)}` |")
    elif t == "moat":
        lines.append("| moat | - | - | - | - | - | `moat scan` not available: skipped |")
lines.append("")
if moat_ok and "moat" in rows:
    m = rows["moat"]
    for peer in ("checkov", "cfn-lint"):
        if peer in rows:
            p = rows[peer]
            r = lambda a, b: f"{a / b:.3f}" if b else "-"
            lines.append(f"- moat/{peer}: wall {r(m['wall_s'], p['wall_s'])}, "
                         f"max RSS {r(m['max_rss_mib'], p['max_rss_mib'])}, "
                         f"tree PSS {r(m['tree_pss_mib'], p['tree_pss_mib'])}")
else:
    lines.append("- moat/checkov, moat/cfn-lint: - (no `moat scan` yet)")
bad = [t for t, d in rows.items() if d["rc"] == "timeout" or (t == "checkov" and d["rc"] not in (0, 1))]
for t in bad:
    lines.append(f"- {t}: rc {rows[t]['rc']} (see out/bench/{t}.err)")
text = "\n".join(lines) + "\n"
print(text)
with open(os.path.join(out, "bench.md"), "w") as f:
    f.write(text)
with open(os.path.join(out, "bench.json"), "w") as f:
    json.dump({"files": nfiles, "seed": seed, "results": rows}, f, indent=1)
PY
