#!/usr/bin/env bash
# Runs the platform locally on embedded defaults: one gateway (single-node cluster, SQLite under
# .data/) and three demo healthcare units with seeded patients. Ctrl-C stops everything.
#   ./run-local.sh            run until Ctrl-C
#   ./run-local.sh --check    start, check what the banner promises (patient and partner reads, /docs, hgw), stop
# The demo partner `acme-scheduling` is granted appointments.read/write on unit-1 (README's partner example);
# /docs (Scalar) is served by Gateway:ServeApiReference; an admin token is kept in $DATA_DIR/admin.jwt (git-ignored).
# Environment: GATEWAY_PORT (5080), UNITS (3), PATIENTS per unit (25), DATA_DIR (.data);
# NO_BUILD=1 and CONFIG=Debug|Release (default Release) run binaries built already (the docs tests do).
set -euo pipefail
cd "$(dirname "$0")"

CHECK=0; [[ "${1:-}" == "--check" ]] && CHECK=1
CONFIG="${CONFIG:-Release}"
PORT="${GATEWAY_PORT:-5080}"
UNITS="${UNITS:-3}"
PATIENTS="${PATIENTS:-25}"
DATA="${DATA_DIR:-.data}"
URL="http://127.0.0.1:${PORT}"
mkdir -p "$DATA/logs"

if [[ "${NO_BUILD:-0}" != 1 ]]; then
  echo "Building ($CONFIG)..."
  dotnet build Akka.sln -c "$CONFIG" -v quiet -nologo -clp:ErrorsOnly
fi
GATEWAY=(dotnet "src/Gateway/bin/$CONFIG/net10.0/HealthGateway.Gateway.dll")
UNIT=(dotnet "src/UnitNode/bin/$CONFIG/net10.0/HealthGateway.UnitNode.dll")

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
DEMO_SETTINGS=(
  --Gateway:ServeApiReference true
  --Partners:acme-scheduling:Scopes:0 appointments.read --Partners:acme-scheduling:Scopes:1 appointments.write
  --Partners:acme-scheduling:Units:0 unit-1
)
"${GATEWAY[@]}" --urls "$URL" --Gateway:DataDirectory "$DATA/gateway" --Auth:AllowDevKey true "${DEMO_SETTINGS[@]}" \
  >"$DATA/logs/gateway.log" 2>&1 &
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

# Kept in the (git-ignored) data dir, readable by this user only: the dashboard and hgw sign in with it.
ADMIN_TOKEN_FILE="$DATA/admin.jwt"
(umask 077; mint --role admin --sub ops --lifetime 12:00:00 >"$ADMIN_TOKEN_FILE")
GATEWAY_DLL="src/Gateway/bin/$CONFIG/net10.0/HealthGateway.Gateway.dll"
HGW_DLL="src/Ops/bin/$CONFIG/net10.0/hgw.dll"

cat <<INFO

The platform is up: gateway $URL, units unit-1..unit-$UNITS, logs in $DATA/logs.

Read patient $PATIENT's appointments through the gateway (token valid 12 h):
  curl -s -H "Authorization: Bearer $TOKEN" $URL/api/v1/patients/$PATIENT/appointments
Also: .../invoices, .../records.

Follow that patient's live events (Ctrl-C to stop):
  curl -N -H "Accept: text/event-stream" -H "Authorization: Bearer $TOKEN" $URL/api/v1/patients/$PATIENT/events

As the demo partner acme-scheduling (granted appointments.read/write on unit-1):
  TOKEN=\$(dotnet $GATEWAY_DLL mint-token --Gateway:DataDirectory $DATA/gateway --role partner --sub acme-scheduling --scope "appointments.read appointments.write")
  curl -s -H "Authorization: Bearer \$TOKEN" $URL/api/v1/patients/$PATIENT/appointments

Dashboard:      $URL/ops  (sign in with the admin token in $ADMIN_TOKEN_FILE, valid 12 h)
Ops CLI (hgw):  dotnet $HGW_DLL units list --gateway $URL --token-file $ADMIN_TOKEN_FILE
API reference:  $URL/docs  (OpenAPI: $URL/openapi/v1.json)
Health:         $URL/healthz/ready

Mint a token for any role (patient, unit, partner, admin):
  dotnet $GATEWAY_DLL mint-token --Gateway:DataDirectory $DATA/gateway --role patient --sub $PATIENT
List a unit's seeded patient ids:
  dotnet src/UnitNode/bin/$CONFIG/net10.0/HealthGateway.UnitNode.dll list-patients --Unit:Id unit-2 --Unit:DataDirectory $DATA/units
INFO

if ((CHECK)); then
  # Each promise of the banner, as a reader would paste it.
  expect_200() { # what, then curl arguments
    local what="$1"; shift
    local status; status="$(curl -s -o /dev/null -w '%{http_code}' "$@")"
    [[ "$status" == "200" ]] || { echo "check failed: $what answered $status"; exit 1; }
    echo "ok: $what"
  }
  expect_200 "patient read" -H "Authorization: Bearer $TOKEN" "$URL/api/v1/patients/$PATIENT/appointments"
  PARTNER_TOKEN="$(mint --role partner --sub acme-scheduling --scope "appointments.read appointments.write")"
  expect_200 "partner read (acme-scheduling)" -H "Authorization: Bearer $PARTNER_TOKEN" "$URL/api/v1/patients/$PATIENT/appointments"
  # The stream stays open: read until its ": open" comment, give up after 10 s.
  { curl -sN --max-time 10 -H "Accept: text/event-stream" -H "Authorization: Bearer $TOKEN" \
      "$URL/api/v1/patients/$PATIENT/events" || true; } | grep -m1 -q '^: open' || { echo "check failed: live events"; exit 1; }
  echo "ok: live events"
  expect_200 "/docs" -L "$URL/docs"  # Scalar redirects /docs to /docs/
  expect_200 "/openapi/v1.json" "$URL/openapi/v1.json"
  expect_200 "/ops (dashboard)" "$URL/ops"
  expect_200 "ops API with $ADMIN_TOKEN_FILE" -H "Authorization: Bearer $(cat "$ADMIN_TOKEN_FILE")" "$URL/api/v1/ops/units"
  dotnet "$HGW_DLL" units list --gateway "$URL" --token-file "$ADMIN_TOKEN_FILE" >/dev/null || { echo "check failed: hgw units list"; exit 1; }
  echo "ok: hgw units list"
  echo "check passed"
  exit 0
fi
echo "Press Ctrl-C to stop."
wait
