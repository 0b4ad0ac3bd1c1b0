# Sourced by the single-unit benches (audited-reads.sh, fhir-search.sh, durable-writes.sh): builds (unless NO_BUILD=1),
# starts a gateway pinned to core 1 on $PORT (no throttling, no backlog cap) and one UnitNode (5 seeded patients) on
# core 0, and waits until the first patient's appointments read answers 200. Leaves: DATA, URL, GW, UNIT, GWPID, UNITPID,
# pids (killed on exit), mint, P, TOKEN, and run (one timed hey run: a table row, RUN_TOTAL and RUN_CPU_US).
command -v hey >/dev/null || { echo "needs hey: apt-get install -y hey"; exit 2; }
DATA="$(mktemp -d)"; URL="http://127.0.0.1:${PORT}"

# NO_BUILD=1 reuses the test build (Release, as .ci/run does; CONFIG=Debug for a Debug build).
CONFIG="${CONFIG:-Release}"
[[ "${NO_BUILD:-0}" == 1 ]] || dotnet build Akka.sln -c "$CONFIG" -v quiet -nologo -clp:ErrorsOnly >/dev/null
GW=(dotnet "src/Gateway/bin/$CONFIG/net10.0/HealthGateway.Gateway.dll")
UNIT=(dotnet "src/UnitNode/bin/$CONFIG/net10.0/HealthGateway.UnitNode.dll")
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$DATA"' EXIT

taskset -c 1 "${GW[@]}" --urls "$URL" --Gateway:DataDirectory "$DATA/gw" --Auth:AllowDevKey true \
  --Gateway:MaxBacklogPerUnit 1000000 --Logging:LogLevel:Default Warning \
  --RateLimits:PerCallerPerSecond 1000000 --RateLimits:PerCallerBurst 1000000 \
  --RateLimits:WritesPerUnitPerSecond 1000000 --RateLimits:WritesPerUnitBurst 1000000 ${GATEWAY_ARGS:-} >"$DATA/gateway.log" 2>&1 &
GWPID=$!; pids+=($GWPID)
until curl -fs "$URL/healthz/ready" >/dev/null 2>&1; do kill -0 $GWPID 2>/dev/null || { tail -20 "$DATA/gateway.log"; exit 1; }; sleep 0.3; done
mint() { "${GW[@]}" mint-token --Gateway:DataDirectory "$DATA/gw" "$@"; }

Gateway__Url="ws://127.0.0.1:${PORT}" Gateway__Token="$(mint --role unit --sub unit-r --lifetime 01:00:00)" \
  taskset -c 0 "${UNIT[@]}" --Unit:Id unit-r --Unit:DataDirectory "$DATA/units" --seed-patients 5 >"$DATA/unit.log" 2>&1 &
UNITPID=$!; pids+=($UNITPID)
until P="$("${UNIT[@]}" list-patients --Unit:Id unit-r --Unit:DataDirectory "$DATA/units" --limit 1 2>/dev/null)" && [[ -n "$P" ]]; do sleep 0.3; done
TOKEN="$(mint --role patient --sub "$P" --lifetime 01:00:00)"
until [[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL/api/v1/patients/$P/appointments")" == 200 ]]; do sleep 0.3; done

cpu() { awk '{print $14+$15}' "/proc/$GWPID/stat"; }   # the gateway's utime+stime in clock ticks
TICK=$(getconf CLK_TCK)
# run NAME hey-args...: one hey run of $SECONDS_PER_RUN s with $CONNECTIONS connections on core 0; prints a table row
# (| run | req/s | gateway CPU us/request | p50 ms | p99 ms | status codes |) and leaves RUN_TOTAL and RUN_CPU_US.
run() {
  local name=$1; shift
  local before; before=$(cpu)
  local out; out=$(taskset -c 0 hey -z "${SECONDS_PER_RUN}s" -c "$CONNECTIONS" "$@")
  local after; after=$(cpu)
  local rps; rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  RUN_TOTAL=$(grep -E '^\s+\[[0-9]+\]' <<<"$out" | awk '{s+=$2} END {print s+0}')
  local codes; codes=$(grep -E '^\s+\[[0-9]+\]' <<<"$out" | awk '{printf "%s%s", sep, $1"x"$2; sep=" "}')
  local p50; p50=$(awk '/ 50% in/ {print $3*1000}' <<<"$out")
  local p99; p99=$(awk '/ 99% in/ {print $3*1000}' <<<"$out")
  RUN_CPU_US=$(awk -v a="$after" -v b="$before" -v t="$TICK" -v n="$RUN_TOTAL" 'BEGIN {if (n>0) printf "%.0f", (a-b)/t/n*1e6; else print 0}')
  printf "| %s | %s | %s | %s | %s | %s |\n" "$name" "$rps" "$RUN_CPU_US" "$p50" "$p99" "$codes"
}
