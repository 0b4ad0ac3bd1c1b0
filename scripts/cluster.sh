#!/usr/bin/env bash
# Starts the scale-out topology as plain processes (what docker-compose.yml describes): three gateway
# nodes in one Akka cluster on a shared PostgreSQL, and a few units spread over the nodes. Every unit knows all
# three gateway addresses (its home node first) and fails over to the next when its node dies: kill 1 leaves no
# unit offline for longer than the survivors take to down the dead node.
#   scripts/cluster.sh start     build (Release), check PostgreSQL, apply the schema, start 3 gateways + units
#   scripts/cluster.sh status    which processes run, each gateway's readiness
#   scripts/cluster.sh stop      SIGTERM everything (units first; gateways leave the cluster one by one)
#   scripts/cluster.sh kill N    kill -9 gateway N (1-3), to watch the others down it and carry on
# PostgreSQL must be running (scripts/ci-postgres.sh installs and starts a local one). Environment:
#   PGHOST (127.0.0.1) PGPORT (5432) PGUSER (healthgateway) PGPASSWORD (healthgateway) PGDATABASE (healthgateway)
#   or HGW_POSTGRES: a whole Npgsql connection string (e.g. "Host=db;Port=5432;Username=u;Password=p;Database=d"),
#     used as given by the gateways; its Host/Port/Username/Password/Database also stand in for the PG* above
#   UNITS (3) PATIENTS per unit (25) HTTP_BASE (5081: gateways on 5081-5083) REMOTE_BASE (4053: 4053-4055)
#   CLUSTER_DIR (.data/cluster) NO_BUILD=1 to skip the build, CONFIG (Release) build configuration to run
#   CLUSTER_TLS=1: Akka.Remote between the nodes over TLS with a certificate generated into CLUSTER_DIR
set -euo pipefail
cd "$(dirname "$0")/.."

# HGW_POSTGRES's parts become the PG* variables psql and pg_isready read (keys as Npgsql spells them, any case).
if [[ -n "${HGW_POSTGRES:-}" ]]; then
  IFS=';' read -ra parts <<<"$HGW_POSTGRES"
  for part in "${parts[@]}"; do
    key="$(echo "${part%%=*}" | tr -d ' ' | tr '[:upper:]' '[:lower:]')"; value="${part#*=}"
    case "$key" in
      host|server) PGHOST="$value" ;;
      port) PGPORT="$value" ;;
      username|userid|user|uid) PGUSER="$value" ;;
      password|pwd) PGPASSWORD="$value" ;;
      database|db) PGDATABASE="$value" ;;
    esac
  done
fi
PGHOST="${PGHOST:-127.0.0.1}"; PGPORT="${PGPORT:-5432}"; PGUSER="${PGUSER:-healthgateway}"
PGPASSWORD="${PGPASSWORD:-healthgateway}"; PGDATABASE="${PGDATABASE:-healthgateway}"
export PGHOST PGPORT PGUSER PGPASSWORD
UNITS="${UNITS:-3}"; PATIENTS="${PATIENTS:-25}"
HTTP_BASE="${HTTP_BASE:-5081}"; REMOTE_BASE="${REMOTE_BASE:-4053}"
DIR="${CLUSTER_DIR:-.data/cluster}"
PIDS="$DIR/pids"
CONFIG="${CONFIG:-Release}"
GATEWAY=(dotnet "src/Gateway/bin/$CONFIG/net10.0/HealthGateway.Gateway.dll")
UNIT=(dotnet "src/UnitNode/bin/$CONFIG/net10.0/HealthGateway.UnitNode.dll")
SCHEME="akka.tcp"; [[ "${CLUSTER_TLS:-0}" == "1" ]] && SCHEME="akka.ssl.tcp"
CONNECTION="${HGW_POSTGRES:-Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$PGDATABASE}"
STORAGE=(--Gateway:Storage:Provider PostgreSql --ConnectionStrings:Gateway "$CONNECTION")

seeds() {
  local i args=()
  for i in 0 1 2; do args+=(--Gateway:SeedNodes:$i "$SCHEME://gateway@127.0.0.1:$((REMOTE_BASE + i))"); done
  printf '%s\n' "${args[@]}"
}

tls_args() {
  [[ "${CLUSTER_TLS:-0}" == "1" ]] || return 0
  local pfx="$DIR/cluster-tls.pfx"
  if [[ ! -f "$pfx" ]]; then
    # One self-signed certificate shared by the nodes (a real deployment uses its own CA's certificate).
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=gateway-cluster" \
      -keyout "$DIR/cluster-tls.key" -out "$DIR/cluster-tls.crt" 2>/dev/null
    openssl pkcs12 -export -inkey "$DIR/cluster-tls.key" -in "$DIR/cluster-tls.crt" -out "$pfx" -passout pass:cluster-dev
    chmod 600 "$DIR/cluster-tls.key" "$pfx"
  fi
  printf '%s\n' --Gateway:Cluster:Tls:CertificatePath "$pfx" --Gateway:Cluster:Tls:CertificatePassword cluster-dev
}

# A process killed after this script exited may linger as a zombie (nobody reaps it), and kill -0 still
# succeeds on a zombie: it is alive only if it exists and is not in state Z.
alive() { kill -0 "$1" 2>/dev/null && [[ "$(ps -o stat= -p "$1" 2>/dev/null | tr -d " ")" != Z* ]]; }

wait_ready() { # url pid log
  for _ in $(seq 1 180); do
    curl -fs "$1/healthz/ready" >/dev/null 2>&1 && return 0
    alive "$2" || { echo "process $2 exited; see $3" >&2; return 1; }
    sleep 0.5
  done
  echo "$1 not ready after 90 s; see $3" >&2; return 1
}

start_gateway() { # index (1-3)
  local i="$1" url="http://127.0.0.1:$((HTTP_BASE + $1 - 1))"
  mapfile -t seed_args < <(seeds)
  mapfile -t tls < <(tls_args)
  # With TLS the nodes trust the generated certificate (a real cluster: its CA in the system store).
  [[ "${CLUSTER_TLS:-0}" == "1" ]] && export SSL_CERT_FILE="$DIR/cluster-tls.crt"
  "${GATEWAY[@]}" --urls "$url" --Gateway:DataDirectory "$DIR/gateway" --Auth:AllowDevKey true \
    --Gateway:ClusterPort "$((REMOTE_BASE + i - 1))" "${seed_args[@]}" "${STORAGE[@]}" "${tls[@]}" \
    >"$DIR/logs/gateway-$i.log" 2>&1 &
  echo "gateway-$i $!" >>"$PIDS"
  wait_ready "$url" "$!" "$DIR/logs/gateway-$i.log"
  echo "gateway-$i ready on $url (cluster port $((REMOTE_BASE + i - 1)))"
}

start() {
  [[ -f "$PIDS" ]] && { echo "already started ($PIDS exists); run stop first" >&2; exit 1; }
  mkdir -p "$DIR/logs" "$DIR/gateway" "$DIR/units"
  [[ "${NO_BUILD:-0}" == "1" ]] || dotnet build Akka.sln -c "$CONFIG" -v quiet -nologo -clp:ErrorsOnly

  command -v pg_isready >/dev/null && { pg_isready -q || { echo "PostgreSQL at $PGHOST:$PGPORT is not accepting connections (scripts/ci-postgres.sh starts a local one)" >&2; exit 1; }; }
  if command -v psql >/dev/null; then
    psql -d postgres -qtAc "SELECT 1 FROM pg_database WHERE datname = '$PGDATABASE'" | grep -q 1 \
      || psql -d postgres -qc "CREATE DATABASE $PGDATABASE"
  fi

  echo "Applying the schema (once, before any node starts)..."
  "${GATEWAY[@]}" schema apply "${STORAGE[@]}"

  # The first seed forms the cluster and creates the shared dev signing key; the others join it.
  start_gateway 1
  start_gateway 2 & local second=$!
  start_gateway 3 & local third=$!
  wait "$second" && wait "$third"

  mint() { "${GATEWAY[@]}" mint-token --Gateway:DataDirectory "$DIR/gateway" "$@"; }
  for u in $(seq 1 "$UNITS"); do
    # Units spread over the nodes (unit N's home is gateway ((N-1) mod 3)+1), each knowing all three: home first,
    # then the others, so a dead node's units fail over to the survivors.
    local home=$(((u - 1) % 3)) urls="" k
    for k in 0 1 2; do urls+="${urls:+;}ws://127.0.0.1:$((HTTP_BASE + (home + k) % 3))"; done
    Gateway__Urls="$urls" Gateway__Token="$(mint --role unit --sub "unit-$u" --lifetime 1.00:00:00)" \
      "${UNIT[@]}" --Unit:Id "unit-$u" --Unit:DataDirectory "$DIR/units" --seed-patients "$PATIENTS" \
      >"$DIR/logs/unit-$u.log" 2>&1 &
    echo "unit-$u $!" >>"$PIDS"
    echo "unit-$u -> gateways $urls"
  done
  echo "Cluster up. Logs in $DIR/logs; 'scripts/cluster.sh stop' stops it."
}

stop() {
  [[ -f "$PIDS" ]] || { echo "not started"; return 0; }
  # Units first, then gateways one at a time so each hands its shards to the ones still up.
  tac "$PIDS" | while read -r name pid; do
    if alive "$pid"; then
      kill -TERM "$pid"
      for _ in $(seq 1 120); do alive "$pid" || break; sleep 0.5; done
      echo "$name stopped"
    fi
  done
  rm -f "$PIDS"
}

status() {
  [[ -f "$PIDS" ]] || { echo "not started"; return 0; }
  while read -r name pid; do
    local state="down"; alive "$pid" && state="running"
    if [[ "$name" == gateway-* && "$state" == running ]]; then
      local i="${name#gateway-}"
      # 000 when the node does not answer; under set -e a failed curl must not end the listing.
      state="$state, ready: $(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((HTTP_BASE + i - 1))/healthz/ready" || true)"
    fi
    echo "$name (pid $pid): $state"
  done <"$PIDS"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  kill) pid="$(awk -v n="gateway-${2:?gateway number}" '$1 == n {print $2}' "$PIDS" | tail -1)"; kill -9 "$pid"; echo "gateway-$2 (pid $pid) killed" ;;
  *) echo "usage: $0 start|status|stop|kill N" >&2; exit 2 ;;
esac
