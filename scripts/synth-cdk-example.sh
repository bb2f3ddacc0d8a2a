#!/usr/bin/env bash
# Re-synthesizes examples/cdk-s3-review/cdk.out, the CDK cloud assembly that
# Moat's tests read. Not run in CI: it needs pip, the Python aws-cdk-lib
# pinned in requirements.txt and Node.js (jsii runs aws-cdk-lib on it), and
# about a minute with a cold virtualenv.
#
# The virtualenv lives OUTSIDE the repository (default:
# ~/.cache/moat/cdk-venv; override with MOAT_CDK_VENV). It is created on the
# first run and brought to the versions pinned in requirements.txt each run.
#
# usage: scripts/synth-cdk-example.sh
#        MOAT_CDK_VENV="$HOME/venvs/cdk" scripts/synth-cdk-example.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
example="$repo/examples/cdk-s3-review"
venv="${MOAT_CDK_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/moat/cdk-venv}"
python="${PYTHON:-python3}"

case "$(mkdir -p "$venv" && cd "$venv" && pwd)/" in
  "$repo"/*)
    echo "error: the virtualenv \`$venv\` is inside the repository; set MOAT_CDK_VENV to a path outside it" >&2
    exit 1
    ;;
esac
if ! command -v node >/dev/null 2>&1; then
  echo "error: node is not on PATH; aws-cdk-lib runs on Node.js through jsii" >&2
  exit 1
fi

[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/pip" install -q -r "$example/requirements.txt"

rm -rf "$example/cdk.out"
(
  cd "$example"
  # no __pycache__ left in the work tree
  PYTHONDONTWRITEBYTECODE=1 CDK_OUTDIR="$example/cdk.out" "$venv/bin/python" app.py
)
# this stack has no assets; drop any staging directory a future edit brings
find "$example/cdk.out" -mindepth 1 -maxdepth 1 -type d -name 'asset.*' -exec rm -rf {} +

echo "synthesized with aws-cdk-lib $("$venv/bin/pip" show aws-cdk-lib | sed -n 's/^Version: //p') into examples/cdk-s3-review/cdk.out:"
ls -l "$example/cdk.out"
# a clean status means the committed assembly is reproduced byte for byte
git -C "$repo" status --short -- examples/cdk-s3-review
