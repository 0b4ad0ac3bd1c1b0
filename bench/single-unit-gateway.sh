# Sourced by the single-unit benches (audited-reads.sh, fhir-search.sh): builds (unless NO_BUILD=1), starts a gateway
# pinned to core 1 on $PORT and one UnitNode (5 seeded patients) on core 0, and waits until the first patient's
# appointments read answers 200. Leaves: DATA, URL, GW, UNIT, GWPID, pids (killed on exit), mint, P, TOKEN.
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
  --Logging:LogLevel:Default Warning \
  --RateLimits:PerCallerPerSecond 1000000 --RateLimits:PerCallerBurst 1000000 ${GATEWAY_ARGS:-} >"$DATA/gateway.log" 2>&1 &
GWPID=$!; pids+=($GWPID)
until curl -fs "$URL/healthz/ready" >/dev/null 2>&1; do kill -0 $GWPID 2>/dev/null || { tail -20 "$DATA/gateway.log"; exit 1; }; sleep 0.3; done
mint() { "${GW[@]}" mint-token --Gateway:DataDirectory "$DATA/gw" "$@"; }

Gateway__Url="ws://127.0.0.1:${PORT}" Gateway__Token="$(mint --role unit --sub unit-r --lifetime 01:00:00)" \
  taskset -c 0 "${UNIT[@]}" --Unit:Id unit-r --Unit:DataDirectory "$DATA/units" --seed-patients 5 >"$DATA/unit.log" 2>&1 &
pids+=($!)
until P="$("${UNIT[@]}" list-patients --Unit:Id unit-r --Unit:DataDirectory "$DATA/units" --limit 1 2>/dev/null)" && [[ -n "$P" ]]; do sleep 0.3; done
TOKEN="$(mint --role patient --sub "$P" --lifetime 01:00:00)"
until [[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL/api/v1/patients/$P/appointments")" == 200 ]]; do sleep 0.3; done
