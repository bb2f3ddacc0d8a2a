#!/usr/bin/env bash
# Compares `moat scan --format json` with checkov on the CloudFormation checks the
# two share (see compare.py for the id map), on
#   fixtures: checkov's own S3 fixtures, the files of s3_labels_cloudformation.tsv,
#             also scored against that file's labels;
#   public:   cfn_nag's spec templates and the `input` templates of the AWS Guard
#             rules registry tests (S3 and CloudTrail), extracted to temporary files.
# The corpus is read in place (never copied into the repository):
# CORPUS=/path/to/corpus overrides "$(git rev-parse --show-toplevel)/../shared/corpus".
#
#   compare/checkov/run.sh
#   MOAT=/path/to/moat compare/checkov/run.sh   # no cargo build
#   PEER_ONLY=1 compare/checkov/run.sh          # checkov only (no Moat, no build)
#
# Outputs in compare/checkov/out/ (git-ignored): <set>/{files.txt,checkov.json,moat.json}
# and report/<set>-{report.md,disagreements.tsv,disagreements.json,pairs.tsv,labels.tsv,summary.json}.
# Exit: 0 done, 2 setup error, 3 `moat scan` not available yet.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(git -C "$HERE" rev-parse --show-toplevel)
OUT=$HERE/out
PEER_ONLY=${PEER_ONLY:-0}

if [ -z "${CORPUS:-}" ]; then
  CORPUS=$ROOT/../shared/corpus
  if [ ! -d "$CORPUS" ]; then
    # a linked worktree: shared/ is beside the main checkout
    common=$(cd "$ROOT" && cd "$(git rev-parse --git-common-dir)" && pwd)
    CORPUS=$(dirname "$(dirname "$common")")/shared/corpus
  fi
fi
[ -d "$CORPUS/checkov/cloudformation" ] || { echo "run.sh: no corpus at $CORPUS (set CORPUS=...)" >&2; exit 2; }
CORPUS=$(cd "$CORPUS" && pwd)
LABELS=$CORPUS/checkov/s3_labels_cloudformation.tsv

# Moat first: fail fast and clearly while `moat scan` does not exist.
if [ "$PEER_ONLY" != 1 ]; then
  if [ -z "${MOAT:-}" ]; then
    echo "== building moat (cargo build --release -p moat-cli)"
    (cd "$ROOT" && cargo build --release -q -p moat-cli) || { echo "run.sh: moat-cli does not build" >&2; exit 2; }
    target=${CARGO_TARGET_DIR:-target}
    case $target in /*) ;; *) target=$ROOT/$target ;; esac
    MOAT=$target/release/moat
  fi
  if [ ! -x "$MOAT" ] || ! "$MOAT" scan --help >/dev/null 2>&1; then
    echo "run.sh: moat scan not available: \`$MOAT scan --help\` fails (the command has not landed in this build)." >&2
    echo "run.sh: PEER_ONLY=1 compare/checkov/run.sh runs the checkov side alone." >&2
    exit 3
  fi
fi

"$HERE/setup.sh"
PY=$HERE/.venv/bin/python
CHECKOV=$HERE/.venv/bin/checkov
mkdir -p "$OUT/fixtures" "$OUT/cfn_nag" "$OUT/guard" "$OUT/report"

TMP=$(mktemp -d)
if [ "${KEEP_TMP:-0}" = 1 ]; then echo "run.sh: extracted guard inputs kept in $TMP"; else trap 'rm -rf "$TMP"' EXIT; fi

# (a) the fixtures named by the labels: tests/cloudformation/X -> $CORPUS/checkov/cloudformation/X
tail -n +2 "$LABELS" | cut -f3 | sort -u | sed "s#^tests/cloudformation/#$CORPUS/checkov/cloudformation/#" > "$OUT/fixtures/files.txt"
while read -r f; do [ -f "$f" ] || { echo "run.sh: labelled fixture missing: $f" >&2; exit 2; }; done < "$OUT/fixtures/files.txt"
# (b) cfn_nag spec templates; guard test inputs
find "$CORPUS/cfn_nag" -type f \( -name '*.json' -o -name '*.yaml' -o -name '*.yml' -o -name '*.template' \) | LC_ALL=C sort > "$OUT/cfn_nag/files.txt"
"$PY" "$HERE/extract_guard.py" "$CORPUS/guard-rules-registry" "$TMP/guard" --manifest "$OUT/guard/manifest.json" > "$OUT/guard/files.txt"

SETS="fixtures cfn_nag guard"
for s in $SETS; do
  echo "== $s: $(wc -l < "$OUT/$s/files.txt") files"
  echo "   checkov $("$CHECKOV" --version)"
  "$PY" "$HERE/scan_batches.py" checkov --checkov "$CHECKOV" --files-from "$OUT/$s/files.txt" -o "$OUT/$s/checkov.json"
  if [ "$PEER_ONLY" != 1 ]; then
    echo "   moat scan"
    "$PY" "$HERE/scan_batches.py" moat --moat "$MOAT" --files-from "$OUT/$s/files.txt" -o "$OUT/$s/moat.json"
  fi
done

if [ "$PEER_ONLY" = 1 ]; then
  # checkov alone against the labels, through the same code (Moat: no results)
  echo '{"files": [], "results": []}' > "$OUT/report/no-moat.json"
  M_FIX=$OUT/report/no-moat.json; M_NAG=$M_FIX; M_GUARD=$M_FIX; SUFFIX=-checkov-only
else
  M_FIX=$OUT/fixtures/moat.json; M_NAG=$OUT/cfn_nag/moat.json; M_GUARD=$OUT/guard/moat.json; SUFFIX=
fi

"$PY" "$HERE/compare.py" --name "fixtures$SUFFIX" --out "$OUT/report" \
  --moat-json "$M_FIX" --checkov-json "$OUT/fixtures/checkov.json" \
  --files-from "$OUT/fixtures/files.txt" --display-root "$CORPUS" \
  --labels "$LABELS" --labels-prefix tests/cloudformation/ --labels-dir "$CORPUS/checkov/cloudformation"
"$PY" "$HERE/compare.py" --name "public$SUFFIX" --out "$OUT/report" \
  --moat-json "$M_NAG" --moat-json "$M_GUARD" \
  --checkov-json "$OUT/cfn_nag/checkov.json" --checkov-json "$OUT/guard/checkov.json" \
  --files-from "$OUT/cfn_nag/files.txt" --files-from "$OUT/guard/files.txt" \
  --manifest "$OUT/guard/manifest.json" --display-root "$CORPUS"

echo "== reports in $OUT/report/"
