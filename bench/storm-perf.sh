#!/usr/bin/env bash
# CPU profile of a re-attach storm with Linux perf and .NET perf maps (whole-process CPU samples, unlike
# storm-profile.sh's sampled thread time): N simulated units attached, kill -9 of the gateway, restart, then
# `perf record` on the restarted gateway until every unit is back. Prints the top symbols (self, with children).
#   bench/storm-perf.sh [units, default 1000]      (after a Release build of Akka.sln; needs perf: apt-get install -y linux-perf)
set -euo pipefail
cd "$(dirname "$0")/.."
UNITS=${1:-1000}
BIN=bin/Release/net10.0; PORT=${BENCH_PORT:-5496}; URL="http://127.0.0.1:$PORT"
WORK="$(mktemp -d)"; KEY="$WORK/dev-signing-key.pem"; OUT="bench/results/$(date -u +%Y%m%dT%H%M%SZ)-storm-perf"; mkdir -p "$OUT"
PIDS=(); cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }; trap cleanup EXIT
jget() { sed -nE "s/.*\"$1\":\"?([-0-9.eE+]+)\"?.*/\1/p" "$2" | head -1; }
FLAGS=(--urls "$URL" --Gateway:DataDirectory "$WORK/gw" --Auth:AllowDevKey true --Auth:DevSigningKeyPath "$KEY" --Logging:LogLevel:Default Warning)
ready() { until curl -fs "$URL/healthz/ready" >/dev/null 2>&1; do sleep 0.05; done; }
until_status() { until v=$(jget "$1" "$WORK/units.json" 2>/dev/null); (( ${v:-0} $2 )); do sleep 0.05; done; }
cpu_ms() { awk '{print ($14+$15)*10}' "/proc/$1/stat"; }   # utime+stime, 100 Hz ticks

# W^X off: with it on, JIT code runs from a memfd double mapping that perf cannot match to the perf map.
export DOTNET_TC_DelaySingleProcMultiplier=1 DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
taskset -c 1 dotnet src/Gateway/$BIN/HealthGateway.Gateway.dll "${FLAGS[@]}" >>"$WORK/gw.log" 2>&1 & GW=$!; PIDS+=("$GW"); ready
c0=$(cpu_ms "$GW")
taskset -c 0 dotnet bench/SimulatedUnits/$BIN/HealthGateway.Bench.SimulatedUnits.dll --url "$URL" --key "$KEY" --status "$WORK/units.json" \
  --units "$UNITS" --first 30000 --patients 1 --mode protocol >>"$WORK/units.log" 2>&1 & PIDS+=("$!")
until_status attached ">= UNITS"
echo "fresh attach: $(( ($(cpu_ms "$GW") - c0) * 1000 / UNITS )) us of gateway CPU per unit"
until_status registered ">= UNITS"
kill -9 "$GW"; wait "$GW" 2>/dev/null || true
until_status attached "== 0"
t0=$(date +%s%3N)
taskset -c 1 dotnet src/Gateway/$BIN/HealthGateway.Gateway.dll "${FLAGS[@]}" >>"$WORK/gw.log" 2>&1 & GW=$!; PIDS+=("$GW")
perf record -F 999 -g -p "$GW" -o "$OUT/perf.data" 2>/dev/null & PERF=$!
ready; echo "ready $(( $(date +%s%3N) - t0 )) ms after the restart"
until_status attached ">= UNITS"
echo "all $UNITS units re-attached $(( $(date +%s%3N) - t0 )) ms after the restart; gateway CPU since start $(cpu_ms "$GW") ms"
kill -INT "$PERF"; wait "$PERF" 2>/dev/null || true
perf report -i "$OUT/perf.data" --no-children --sort dso,symbol --percent-limit 0.5 --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -70 >"$OUT/top-self.txt" || true
perf report -i "$OUT/perf.data" --children --sort symbol --percent-limit 1.5 --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -90 >"$OUT/top-children.txt" || true
echo "## self"; cat "$OUT/top-self.txt"; echo "## with children"; cat "$OUT/top-children.txt"
echo "perf.data and reports in $OUT"
