#!/usr/bin/env bash
# Times every page and API answer of `moat serve` on a generated model of N
# elements (default 1000; about 5 flows per element), best of RUNS requests
# each, and the server's peak memory. Prints a Markdown table for
# docs/performance.md.
#
#   bench/serve.sh            # N=1000
#   N=200 RUNS=3 bench/serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
RUNS=${RUNS:-5}
cargo build --release -q -p moat-cli
MOAT=$PWD/target/release/moat
work="$(mktemp -d)"
python3 bench/gen_model.py "$N" "$work/tm.py"
"$MOAT" convert "$work/tm.py" -o "$work/model.yaml" 2>/dev/null
token=bench-token
start=$(date +%s.%N)
"$MOAT" serve "$work/model.yaml" --port 0 --db "$work/moat.db" --token "$token" > "$work/out.log" 2> "$work/err.log" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
until grep -q '^Open ' "$work/out.log" 2>/dev/null; do
  kill -0 $server 2>/dev/null || { cat "$work/err.log" >&2; exit 1; }
  sleep 0.05
done
ready=$(echo "$(date +%s.%N) - $start" | bc)
origin="$(sed -n 's|^Open \(http://[^/]*\)/.*|\1|p' "$work/out.log")"
auth=(-H "Authorization: Bearer $token")
project="$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$work/model.yaml")"
# a decision, so there are two runs to compare and a history to show
curl -sf "${auth[@]}" -X PUT -H 'content-type: application/json' \
  -d '{"selector":"T-GEN","status":"in-discussion"}' "$origin/api/projects/$project/decisions" > /dev/null
runs="$(curl -sf "${auth[@]}" "$origin/api/projects/$project/runs")"
read -r new old < <(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print(r[0]["id"], r[-1]["id"])' "$runs")
threats="$(curl -sf "${auth[@]}" "$origin/api/runs/$new" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["assessment"]["threats"]))')"

echo "moat serve on a generated model of $N elements ($threats threats); ready in ${ready}s"
echo
echo "| Request | best of $RUNS (ms) | size (KiB) |"
echo "|---|---:|---:|"
for path in "/" "/projects/$project" "/runs/$new/report" "/runs/$old/diff/$new" "/catalog" "/catalog/page" \
  "/api/projects" "/api/projects/$project/runs" "/api/runs/$new" "/api/runs/$old/diff/$new" \
  "/api/projects/$project/decisions" "/api/projects/$project/history" "/api/catalog/threats" "/api/catalog/controls" \
  "/api/openapi.json"; do
  best=""
  size=0
  for _ in $(seq 1 "$RUNS"); do
    read -r t s < <(curl -s -o /dev/null -w '%{time_total} %{size_download}\n' "${auth[@]}" "$origin$path")
    ms=$(echo "$t * 1000" | bc)
    if [ -z "$best" ] || (( $(echo "$ms < $best" | bc) )); then best=$ms; fi
    size=$s
  done
  shown="${path//$project/PROJECT}"
  printf '| `GET %s` | %.1f | %d |\n' "$shown" "$best" "$((size / 1024))"
done
peak=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$server/status")
echo
echo "peak RSS of the server: ${peak} MiB"
