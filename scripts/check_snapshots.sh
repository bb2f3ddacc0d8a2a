#!/usr/bin/env bash
# Rejects orphan snapshots: every tests/snapshots/*.snap file must be read by
# an assertion of the test run that wrote REFS (insta appends the path of each
# snapshot file it reads to $INSTA_SNAPSHOT_REFERENCES_FILE). A snapshot no
# test reads belongs to a renamed or deleted test and would hide nothing but
# rot. Pending `.snap.new` files are rejected too.
#
# usage: INSTA_SNAPSHOT_REFERENCES_FILE=REFS cargo test --workspace
#        scripts/check_snapshots.sh REFS
set -euo pipefail
cd "$(dirname "$0")/.."

refs="${1:?usage: scripts/check_snapshots.sh REFERENCES_FILE}"
# an empty list means insta recorded nothing (the variable went unread): a
# pass here would be a quiet green
if [ ! -s "$refs" ]; then
  echo "error: no snapshot reference was recorded in \`$refs\`; was the test run given INSTA_SNAPSHOT_REFERENCES_FILE?" >&2
  exit 1
fi

on_disk="$(find crates -path '*/snapshots/*.snap' -type f -print0 | xargs -0 -r realpath --relative-to="$PWD" | sort -u)"
read_by_tests="$(xargs -d "\n" -r realpath -m --relative-to="$PWD" < "$refs" | sort -u)"
orphans="$(comm -23 <(printf '%s\n' "$on_disk") <(printf '%s\n' "$read_by_tests") | sed '/^$/d')"
pending="$(find crates -path '*/snapshots/*' -name '*.snap.new' -type f | sort)"

status=0
if [ -n "$orphans" ]; then
  echo "error: snapshot files no test reads (delete them, or restore their test):" >&2
  printf '%s\n' "$orphans" | sed 's/^/  /' >&2
  status=1
fi
if [ -n "$pending" ]; then
  echo "error: pending snapshots (review them, then accept or delete):" >&2
  printf '%s\n' "$pending" | sed 's/^/  /' >&2
  status=1
fi
if [ "$status" -eq 0 ]; then
  echo "snapshots: $(printf '%s\n' "$on_disk" | wc -l) files, each read by a test"
fi
exit "$status"
