#!/usr/bin/env bash
# Runs schemathesis against `moat serve`'s OpenAPI document: every endpoint,
# generated inputs, and no answer may be a server error (5xx). The server
# serves copies of the bundled examples (a model and a CDK app) with its own
# store, so nothing in the checkout is written.
set -euo pipefail
cd "$(dirname "$0")/.."
moat="${MOAT:-target/debug/moat}"
st="bench/.venv/bin/schemathesis"
[ -x "$st" ] || { echo "ERROR: schemathesis is not installed ($st)" >&2; exit 1; }
[ -x "$moat" ] || cargo build -q -p moat-cli

work="$(mktemp -d)"
cp examples/s3/model.yaml "$work/model.yaml"
cp -r examples/cdk-s3-review/cdk.out "$work/cdk.out"
token="api-check-$(date +%s)"
"$moat" serve "$work/model.yaml" "$work/cdk.out" --port 0 --db "$work/moat.db" --token "$token" \
  > "$work/out.log" 2> "$work/err.log" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do
  grep -q '^Open ' "$work/out.log" 2>/dev/null && break
  kill -0 $server 2>/dev/null || { cat "$work/err.log" >&2; exit 1; }
  sleep 0.2
done
origin="$(sed -n 's|^Open \(http://[^/]*\)/.*|\1|p' "$work/out.log")"
# the document needs the token too: fetch it, then point schemathesis at the server
curl -sf -H "Authorization: Bearer $token" "$origin/api/openapi.json" > "$work/openapi.json"
echo "schemathesis against $origin ($(grep -o '"/api/[^"]*"' "$work/openapi.json" | sort -u | wc -l) paths)"
"$st" run "$work/openapi.json" --url "$origin" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error \
  --max-examples "${MAX_EXAMPLES:-25}" \
  --generation-deterministic \
  --workers 1
