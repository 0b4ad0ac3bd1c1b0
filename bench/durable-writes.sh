#!/usr/bin/env bash
# Durable write acceptance: how many writes per second the gateway persists (journal, SQLite WAL)
# before answering 202, against two baselines measured in the same run on the same process:
#   live : GET /healthz/live              (Kestrel + routing, no auth)
#   auth : GET /api/v1/operations/{bogus} (the same ES256 JWT validation, no journal; answers 404)
#   write: POST .../appointments, Prefer: respond-async, to one offline unit (persist, then 202)
# Gateway pinned to core 1, load (hey) to core 0. Rounds alternate live/auth/write (ABAB).
#   bench/durable-writes.sh [seconds per run, default 10] [rounds, default 3] [connections, default 64]
# GATEWAY_ARGS="--Auth:TokenCacheSize 0" measures without the verified-token cache.
set -euo pipefail
# One pinned core: promote hot code as a multi-core host would (see bench/run.sh).
export DOTNET_TC_DelaySingleProcMultiplier=1
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${1:-10}"; ROUNDS="${2:-3}"; CONNECTIONS="${3:-64}"
command -v hey >/dev/null || { echo "needs hey: apt-get install -y hey"; exit 2; }
DATA="$(mktemp -d)"; PORT=5491; URL="http://127.0.0.1:${PORT}"

# NO_BUILD=1 reuses the test build (Release, as .ci/run does; CONFIG=Debug for a Debug build).
CONFIG="${CONFIG:-Release}"
[[ "${NO_BUILD:-0}" == 1 ]] || dotnet build Akka.sln -c "$CONFIG" -v quiet -nologo -clp:ErrorsOnly >/dev/null
GW=(dotnet "src/Gateway/bin/$CONFIG/net10.0/HealthGateway.Gateway.dll")
UNIT=(dotnet "src/UnitNode/bin/$CONFIG/net10.0/HealthGateway.UnitNode.dll")
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT

taskset -c 1 "${GW[@]}" --urls "$URL" --Gateway:DataDirectory "$DATA/gw" --Auth:AllowDevKey true \
  --Gateway:MaxBacklogPerUnit 1000000 --Logging:LogLevel:Default Warning \
  --RateLimits:PerCallerPerSecond 1000000 --RateLimits:PerCallerBurst 1000000 \
  --RateLimits:WritesPerUnitPerSecond 1000000 --RateLimits:WritesPerUnitBurst 1000000 ${GATEWAY_ARGS:-} >"$DATA/gateway.log" 2>&1 &
GWPID=$!; pids+=($GWPID)
until curl -fs "$URL/healthz/ready" >/dev/null 2>&1; do kill -0 $GWPID 2>/dev/null || { tail -20 "$DATA/gateway.log"; exit 1; }; sleep 0.3; done
mint() { "${GW[@]}" mint-token --Gateway:DataDirectory "$DATA/gw" "$@"; }

# One unit registers its patients, then goes offline: writes queue durably for it.
Gateway__Url="ws://127.0.0.1:${PORT}" Gateway__Token="$(mint --role unit --sub unit-b --lifetime 01:00:00)" \
  taskset -c 0 "${UNIT[@]}" --Unit:Id unit-b --Unit:DataDirectory "$DATA/units" --seed-patients 5 >"$DATA/unit.log" 2>&1 &
UNITPID=$!
until P="$("${UNIT[@]}" list-patients --Unit:Id unit-b --Unit:DataDirectory "$DATA/units" --limit 1 2>/dev/null)" && [[ -n "$P" ]]; do sleep 0.3; done
TOKEN="$(mint --role patient --sub "$P" --lifetime 01:00:00)"
until [[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL/api/v1/patients/$P/invoices")" == 200 ]]; do sleep 0.3; done
kill "$UNITPID"; wait "$UNITPID" 2>/dev/null || true
echo '{"startsAt":"2030-01-01T09:00:00Z","durationMinutes":30,"clinician":"Dr. Bench","reason":"bench"}' >"$DATA/body.json"

cpu() { awk '{print $14+$15}' "/proc/$GWPID/stat"; }   # utime+stime in clock ticks
TICK=$(getconf CLK_TCK)
run() { # name, hey args...
  local name=$1; shift
  local before; before=$(cpu)
  local out; out=$(taskset -c 0 hey -z "${SECONDS_PER_RUN}s" -c "$CONNECTIONS" "$@")
  local after; after=$(cpu)
  local rps; rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  local total; total=$(awk '/responses/ {s+=$2} END {print s}' <<<"$(grep -E '^\s+\[[0-9]+\]' <<<"$out")")
  local codes; codes=$(grep -E '^\s+\[[0-9]+\]' <<<"$out" | awk '{printf "%s%s", sep, $1"x"$2; sep=" "}')
  local p50; p50=$(awk '/ 50% in/ {print $3*1000}' <<<"$out")
  local p99; p99=$(awk '/ 99% in/ {print $3*1000}' <<<"$out")
  local cpu_us; cpu_us=$(awk -v a="$after" -v b="$before" -v t="$TICK" -v n="$total" 'BEGIN {if (n>0) printf "%.0f", (a-b)/t/n*1e6; else print "-"}')
  printf "| %s | %s | %s | %s | %s | %s |\n" "$name" "$rps" "$cpu_us" "$p50" "$p99" "$codes"
}

echo "| run | req/s | gateway CPU us/request | p50 ms | p99 ms | status codes |"
echo "|---|---|---|---|---|---|"
for _ in $(seq 1 "$ROUNDS"); do
  run live "$URL/healthz/live"
  run auth -H "Authorization: Bearer $TOKEN" "$URL/api/v1/operations/00000000000000000000000000000000.unit-b"
  run write -m POST -T application/json -D "$DATA/body.json" -H "Authorization: Bearer $TOKEN" -H "Prefer: respond-async" \
    "$URL/api/v1/patients/$P/appointments"
done
