#!/usr/bin/env bash
# Installs the peers of the CloudFormation comparison into compare/checkov/.venv
# (git-ignored): checkov and cfn-lint, pinned. Idempotent: does nothing when
# the venv already holds these exact versions.
#
#   compare/checkov/setup.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VENV=$HERE/.venv
CHECKOV_VERSION=3.3.30
# cfn-lint: the newest release on PyPI when this was written; checkov 3.3.30
# does not depend on it, and `pip check` passes with both. Recorded in compare/README.md.
CFN_LINT_VERSION=1.58.0
PYTHON=${PYTHON:-python3}

have() {
  [ -x "$VENV/bin/python" ] &&
    "$VENV/bin/python" - "$CHECKOV_VERSION" "$CFN_LINT_VERSION" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
sys.exit(0 if (version("checkov"), version("cfn-lint")) == (sys.argv[1], sys.argv[2]) else 1)
PY
}

if have; then
  echo "setup.sh: $VENV has checkov $CHECKOV_VERSION and cfn-lint $CFN_LINT_VERSION"
  exit 0
fi
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check \
  "checkov==$CHECKOV_VERSION" "cfn-lint==$CFN_LINT_VERSION"
have || { echo "setup.sh: checkov $CHECKOV_VERSION / cfn-lint $CFN_LINT_VERSION not importable after install" >&2; exit 2; }
echo "setup.sh: installed checkov $("$VENV/bin/checkov" --version) and $("$VENV/bin/cfn-lint" --version) into $VENV"
