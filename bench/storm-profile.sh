#!/usr/bin/env bash
# CPU profile of one re-attach storm: N simulated units attached, kill -9 of the gateway, restart under
# dotnet-trace (sampled thread stacks, ~100 Hz; collect-linux cpu-sampling needs kernel access) until every unit is back, then the top methods (inclusive and exclusive).
#   DOTNET_TRACE=/tmp/dntools/dotnet-trace bench/storm-profile.sh [units]      (after a Release build of Akka.sln)
# Install the tool with: dotnet tool install --tool-path /tmp/dntools dotnet-trace
set -euo pipefail
cd "$(dirname "$0")/.."
UNITS=${1:-1000}; TRACE_TOOL=${DOTNET_TRACE:-/tmp/dntools/dotnet-trace}
BIN=bin/Release/net10.0; PORT=5492; URL="http://127.0.0.1:$PORT"
WORK="$(mktemp -d)"; KEY="$WORK/dev-signing-key.pem"; OUT="bench/results/$(date -u +%Y%m%dT%H%M%SZ)-storm-profile"; mkdir -p "$OUT"
PIDS=(); cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }; trap cleanup EXIT
jget() { sed -nE "s/.*\"$1\":\"?([-0-9.eE+]+)\"?.*/\1/p" "$2" | head -1; }
FLAGS=(--urls "$URL" --Gateway:DataDirectory "$WORK/gw" --Auth:AllowDevKey true --Auth:DevSigningKeyPath "$KEY" --Logging:LogLevel:Default Warning)
ready() { until curl -fs "$URL/healthz/ready" >/dev/null 2>&1; do sleep 0.05; done; }
until_status() { until v=$(jget "$1" "$WORK/units.json" 2>/dev/null); (( ${v:-0} $2 )); do sleep 0.05; done; }

export DOTNET_TC_DelaySingleProcMultiplier=1
taskset -c 1 dotnet src/Gateway/$BIN/HealthGateway.Gateway.dll "${FLAGS[@]}" >>"$WORK/gw.log" 2>&1 & GW=$!; PIDS+=("$GW"); ready
taskset -c 0 dotnet bench/SimulatedUnits/$BIN/HealthGateway.Bench.SimulatedUnits.dll --url "$URL" --key "$KEY" --status "$WORK/units.json" \
  --units "$UNITS" --first 30000 --patients 1 --mode protocol >>"$WORK/units.log" 2>&1 & PIDS+=("$!")
until_status registered ">= UNITS"
kill -9 "$GW"; wait "$GW" 2>/dev/null || true
until_status attached "== 0"
t0=$(date +%s%3N)
taskset -c 1 "$TRACE_TOOL" collect --profile dotnet-common,dotnet-sampled-thread-time -o "$OUT/storm.nettrace" -- \
  dotnet src/Gateway/$BIN/HealthGateway.Gateway.dll "${FLAGS[@]}" >>"$WORK/trace.log" 2>&1 & TRACER=$!; PIDS+=("$TRACER")
ready; until_status attached ">= UNITS"
echo "all $UNITS units re-attached $(( $(date +%s%3N) - t0 )) ms after the restart (under the profiler)"
GWPID=$(ps --ppid "$TRACER" -o pid= | tr -d " " | head -1)   # the traced child (ours): stop it, the trace ends with it
[[ -n $GWPID ]] && kill "$GWPID"; wait "$TRACER" 2>/dev/null || true
"$TRACE_TOOL" report "$OUT/storm.nettrace" topN -n 30 --inclusive >"$OUT/top-inclusive.txt" 2>&1 || true
"$TRACE_TOOL" report "$OUT/storm.nettrace" topN -n 30 >"$OUT/top-exclusive.txt" 2>&1 || true
echo "trace and reports in $OUT"
