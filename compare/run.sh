#!/usr/bin/env bash
# Differential test of `moat policy eval` against the peer evaluator
# @cloud-copilot/iam-simulate (AGPL-3.0; installed here by npm, called as a
# tool, never copied into Moat).
#
#   compare/run.sh [N] [SEED]        # defaults: 10000 cases, seed 1
#   QUIRKS=1 compare/run.sh          # also cases where the peer is known to differ from AWS's docs
#   PEER_ONLY=1 compare/run.sh       # generate and label only (no Moat)
#
# Exit: 0 every compared case agrees, 1 disagreements, 2 setup error,
# 3 `moat policy eval` is not available yet.
set -euo pipefail
N=${1:-10000}
SEED=${2:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT=$HERE/out
mkdir -p "$OUT"

command -v node >/dev/null || { echo "run.sh: node is required (Node.js 20 or later)" >&2; exit 2; }
command -v npm >/dev/null || { echo "run.sh: npm is required" >&2; exit 2; }
if [ ! -d "$HERE/node_modules/@cloud-copilot/iam-simulate" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
fi

GEN_ARGS=(--n "$N" --seed "$SEED" -o "$OUT/cases.json")
LABEL=""
if [ "${QUIRKS:-0}" = 1 ]; then GEN_ARGS+=(--quirks); LABEL=", with quirks"; fi

echo "== generating $N cases (seed $SEED$LABEL)"
node "$HERE/generate.mjs" "${GEN_ARGS[@]}"
echo "== labelling with the peer (iam-simulate $(node -p "require('$HERE/node_modules/@cloud-copilot/iam-simulate/package.json').version"))"
node "$HERE/peer.mjs" "$OUT/cases.json" --with-expected -o "$OUT/labelled.json" --errors "$OUT/peer-errors.jsonl"

if [ "${PEER_ONLY:-0}" = 1 ]; then
  echo "PEER_ONLY=1: labelled cases in $OUT/labelled.json"
  exit 0
fi

cd "$ROOT"
echo "== building moat"
if ! cargo build --release -q -p moat-cli; then
  echo "run.sh: moat-cli does not build; labelled cases are in $OUT/labelled.json" >&2
  exit 2
fi
MOAT=${CARGO_TARGET_DIR:-$ROOT/target}/release/moat
if ! "$MOAT" policy eval --help >/dev/null 2>&1; then
  echo "run.sh: \`moat policy eval\` does not exist yet in this build (issue 8); stopping after the peer." >&2
  echo "run.sh: labelled cases are in $OUT/labelled.json; rerun when the command lands." >&2
  exit 3
fi

echo "== moat policy eval --check"
# Moat reads files of at most 16 MiB: hand it the cases in chunks.
rm -f "$OUT"/chunk-*.json
node -e '
const fs = require("fs");
const cases = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const size = 2000;
for (let i = 0; i * size < cases.length; i++) {
  const name = process.argv[2] + "/chunk-" + String(i).padStart(4, "0") + ".json";
  fs.writeFileSync(name, JSON.stringify(cases.slice(i * size, (i + 1) * size)));
}' "$OUT/labelled.json" "$OUT"
set +e
"$MOAT" policy eval "$OUT"/chunk-*.json --check -f json >"$OUT/moat.stdout" 2>"$OUT/moat.stderr"
MOAT_RC=$?
if [ "$MOAT_RC" -eq 2 ]; then
  # no JSON output format (yet): the text report and its final line will do
  "$MOAT" policy eval "$OUT"/chunk-*.json --check >"$OUT/moat.stdout" 2>"$OUT/moat.stderr"
  MOAT_RC=$?
fi
set -e
if [ "$MOAT_RC" -ne 0 ] && [ "$MOAT_RC" -ne 1 ]; then
  echo "run.sh: moat exited with $MOAT_RC (not a check result); its stderr:" >&2
  head -n 20 "$OUT/moat.stderr" >&2
  exit 2
fi

echo "== summary"
node "$HERE/summarize.mjs" "$OUT/labelled.json" "$OUT/moat.stdout" --moat-stderr "$OUT/moat.stderr" \
  --peer-errors "$OUT/peer-errors.jsonl" --cases "$N" --out "$OUT/disagreements.json"
