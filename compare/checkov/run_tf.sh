#!/usr/bin/env bash
# Compares `moat scan DIR` with `checkov -d DIR --framework terraform` on
#   fixtures: checkov's own Terraform fixtures for the checks that map to Moat's
#             (tf_fixtures.py lists them with the verdicts their tests expect);
#   modules:  the examples of terraform-aws-modules/terraform-aws-s3-bucket
#             (each example directory a root module calling the module by a
#             local path), scored against tf_module_truth.tsv.
# Both sources are git repositories given by path (a checkout or a bare git
# directory); the files are extracted to a temporary directory with
# `git archive`, never copied into this repository:
#
#   CHECKOV_GIT=/path/to/checkov.git MODULE_GIT=/path/to/terraform-aws-s3-bucket.git \
#     compare/checkov/run_tf.sh
#   MOAT=/path/to/moat ...          # no cargo build
#
# Outputs in compare/checkov/out/tf/ (git-ignored): per directory moat.json and
# checkov.json, and report/{fixtures,modules}-{report.md,pairs.tsv,disagreements.tsv,expected.tsv}.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(git -C "$HERE" rev-parse --show-toplevel)
OUT=$HERE/out/tf
: "${CHECKOV_GIT:?set CHECKOV_GIT to a checkout or bare git directory of bridgecrewio/checkov}"
: "${MODULE_GIT:?set MODULE_GIT to a checkout or bare git directory of terraform-aws-modules/terraform-aws-s3-bucket}"

if [ -z "${MOAT:-}" ]; then
  (cd "$ROOT" && cargo build --release -q -p moat-cli)
  target=${CARGO_TARGET_DIR:-target}
  case $target in /*) ;; *) target=$ROOT/$target ;; esac
  MOAT=$target/release/moat
fi
"$HERE/setup.sh"
PY=$HERE/.venv/bin/python
CHECKOV=$HERE/.venv/bin/checkov

TMP=$(mktemp -d)
if [ "${KEEP_TMP:-0}" = 1 ]; then echo "run_tf.sh: sources kept in $TMP"; else trap 'rm -rf "$TMP"' EXIT; fi
gitdir() { if [ -d "$1/.git" ]; then echo "$1/.git"; else echo "$1"; fi; }
mkdir -p "$TMP/checkov" "$TMP/module" "$OUT/report"
git --git-dir="$(gitdir "$CHECKOV_GIT")" archive HEAD tests/terraform/graph/checks/resources tests/terraform/checks/resource/aws \
  | tar x -C "$TMP/checkov"
git --git-dir="$(gitdir "$MODULE_GIT")" archive HEAD | tar x -C "$TMP/module"
echo "== checkov $(git --git-dir="$(gitdir "$CHECKOV_GIT")" rev-parse HEAD), terraform-aws-s3-bucket $(git --git-dir="$(gitdir "$MODULE_GIT")" rev-parse HEAD)"

"$PY" "$HERE/tf_fixtures.py" "$TMP/checkov/tests/terraform" -o "$OUT/fixture-labels.tsv"

# scan NAME DIR: both tools on one directory; appends a --run argument list
RUNS=()
scan() {
  local name=$1 dir=$2
  mkdir -p "$OUT/$name"
  "$MOAT" scan "$dir" --format json > "$OUT/$name/moat.json" 2> "$OUT/$name/moat.err" || true
  "$CHECKOV" -d "$dir" --framework terraform -o json --skip-download > "$OUT/$name/checkov.json" 2> "$OUT/$name/checkov.err" || true
  RUNS+=(--run "$name" "$dir" "$OUT/$name/moat.json" "$OUT/$name/checkov.json")
}

for dir in $(tail -n +2 "$OUT/fixture-labels.tsv" | cut -f3 | sort -u); do
  scan "fixtures/$(basename "$dir")" "$dir"
done
"$PY" "$HERE/compare_tf.py" --name fixtures --only-labelled --out "$OUT/report" --labels "$OUT/fixture-labels.tsv" "${RUNS[@]}"

RUNS=()
for dir in "$TMP"/module/examples/*/; do
  scan "modules/$(basename "$dir")" "${dir%/}"
done
# the truth file names directories relative to the module repository
sed "s#\texamples/#\t$TMP/module/examples/#" "$HERE/tf_module_truth.tsv" > "$TMP/truth.tsv"
"$PY" "$HERE/compare_tf.py" --name modules --out "$OUT/report" --labels "$TMP/truth.tsv" "${RUNS[@]}"
echo "== reports in $OUT/report/"
