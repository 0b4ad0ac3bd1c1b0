#!/usr/bin/env bash
# Runs the platform locally on embedded defaults: one gateway (single-node cluster, SQLite under
# .data/) and three demo healthcare units with seeded patients. Ctrl-C stops everything.
#   ./run-local.sh            run until Ctrl-C
#   ./run-local.sh --check    start, read one patient's appointments through the gateway, stop
# Environment: GATEWAY_PORT (5080), UNITS (3), PATIENTS per unit (25), DATA_DIR (.data)
set -euo pipefail
cd "$(dirname "$0")"

CHECK=0; [[ "${1:-}" == "--check" ]] && CHECK=1
PORT="${GATEWAY_PORT:-5080}"
UNITS="${UNITS:-3}"
PATIENTS="${PATIENTS:-25}"
DATA="${DATA_DIR:-.data}"
URL="http://127.0.0.1:${PORT}"
mkdir -p "$DATA/logs"

echo "Building (Release)..."
dotnet build Akka.sln -c Release -v quiet -nologo -clp:ErrorsOnly
GATEWAY=(dotnet src/Gateway/bin/Release/net10.0/HealthGateway.Gateway.dll)
UNIT=(dotnet src/UnitNode/bin/Release/net10.0/HealthGateway.UnitNode.dll)

pids=()
stop_all() {
  trap - EXIT INT TERM
  if ((${#pids[@]})); then
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap stop_all EXIT INT TERM

echo "Starting the gateway on $URL (log: $DATA/logs/gateway.log)..."
"${GATEWAY[@]}" --urls "$URL" --Gateway:DataDirectory "$DATA/gateway" --Auth:AllowDevKey true >"$DATA/logs/gateway.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  curl -fs "$URL/healthz/ready" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "gateway exited; see $DATA/logs/gateway.log"; exit 1; }
  sleep 0.5
done
curl -fs "$URL/healthz/ready" >/dev/null || { echo "gateway not ready after 60 s; see $DATA/logs/gateway.log"; exit 1; }

mint() { "${GATEWAY[@]}" mint-token --Gateway:DataDirectory "$DATA/gateway" "$@"; }

for i in $(seq 1 "$UNITS"); do
  echo "Starting unit-$i with $PATIENTS seeded patients (log: $DATA/logs/unit-$i.log)..."
  Gateway__Url="ws://127.0.0.1:${PORT}" Gateway__Token="$(mint --role unit --sub "unit-$i" --lifetime 1.00:00:00)" \
    "${UNIT[@]}" --Unit:Id "unit-$i" --Unit:DataDirectory "$DATA/units" --seed-patients "$PATIENTS" \
    >"$DATA/logs/unit-$i.log" 2>&1 &
  pids+=($!)
done

# The first seeded patient of unit-1, once its unit has registered it with the gateway.
PATIENT=""
for _ in $(seq 1 120); do
  PATIENT="$("${UNIT[@]}" list-patients --Unit:Id unit-1 --Unit:DataDirectory "$DATA/units" --limit 1 2>/dev/null || true)"
  if [[ -n "$PATIENT" ]]; then
    TOKEN="$(mint --role patient --sub "$PATIENT" --lifetime 12:00:00)"
    STATUS="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL/api/v1/patients/$PATIENT/appointments")"
    [[ "$STATUS" == "200" ]] && break
  fi
  sleep 0.5
done
[[ "${STATUS:-}" == "200" ]] || { echo "no routed read succeeded (last status ${STATUS:-none}); see $DATA/logs"; exit 1; }

cat <<INFO

The platform is up: gateway $URL, units unit-1..unit-$UNITS, logs in $DATA/logs.

Mint a token for any role (patient, unit, partner, admin):
  dotnet src/Gateway/bin/Release/net10.0/HealthGateway.Gateway.dll mint-token --Gateway:DataDirectory $DATA/gateway --role patient --sub $PATIENT

List a unit's seeded patient ids:
  dotnet src/UnitNode/bin/Release/net10.0/HealthGateway.UnitNode.dll list-patients --Unit:Id unit-2 --Unit:DataDirectory $DATA/units

Read patient $PATIENT's appointments through the gateway (token valid 12 h):
  curl -s -H "Authorization: Bearer $TOKEN" $URL/api/v1/patients/$PATIENT/appointments

Also: .../invoices, .../records. Health: $URL/healthz/ready
INFO

if ((CHECK)); then
  curl -fs -H "Authorization: Bearer $TOKEN" "$URL/api/v1/patients/$PATIENT/appointments" | head -c 400; echo
  echo "check passed"
  exit 0
fi
echo "Press Ctrl-C to stop."
wait
