#!/usr/bin/env bash
# Where an idle gateway's CPU goes: N simulated units attached and silent but for their pings, then the gateway's
# CPU over a measured window (% of a core, from /proc) and a `perf` profile of the same window (perf maps on, W^X off).
#   bench/idle-profile.sh [units, default 2000] [seconds, default 20]      (after a Release build of Akka.sln)
#   GATEWAY_DLL=path/HealthGateway.Gateway.dll bench/idle-profile.sh     another build, for an A/B
#   GATEWAY_ARGS="--Gateway:KeepAliveInterval 00:00:30" bench/idle-profile.sh   other settings, for an A/B
#   BENCH_PORT=N                                                           another port (two benches never share one)
set -euo pipefail
cd "$(dirname "$0")/.."
UNITS=${1:-2000}; SECONDS_MEASURED=${2:-20}
BIN=bin/Release/net10.0; PORT=${BENCH_PORT:-5495}; URL="http://127.0.0.1:$PORT"
WORK="$(mktemp -d)"; KEY="$WORK/dev-signing-key.pem"; OUT="bench/results/$(date -u +%Y%m%dT%H%M%SZ)-idle-profile"; mkdir -p "$OUT"
PIDS=(); cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }; trap cleanup EXIT
jget() { sed -nE "s/.*\"$1\":\"?([-0-9.eE+]+)\"?.*/\1/p" "$2" | head -1; }
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
export DOTNET_TC_DelaySingleProcMultiplier=1 DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0

taskset -c 1 dotnet "${GATEWAY_DLL:-src/Gateway/$BIN/HealthGateway.Gateway.dll}" --urls "$URL" --Gateway:DataDirectory "$WORK/gw" \
  --Auth:AllowDevKey true --Auth:DevSigningKeyPath "$KEY" --Logging:LogLevel:Default Warning ${GATEWAY_ARGS:-} >"$WORK/gw.log" 2>&1 & GW=$!; PIDS+=("$GW")
until curl -fs "$URL/healthz/ready" >/dev/null 2>&1; do kill -0 "$GW" || { tail "$WORK/gw.log"; exit 1; }; sleep 0.2; done
sleep 5
t0=$(ticks "$GW"); sleep "$SECONDS_MEASURED"; empty=$(awk -v a="$(ticks "$GW")" -v b="$t0" -v t="$(getconf CLK_TCK)" -v s="$SECONDS_MEASURED" 'BEGIN { printf "%.1f", (a-b)/t/s*100 }')

taskset -c 0 dotnet bench/SimulatedUnits/$BIN/HealthGateway.Bench.SimulatedUnits.dll --url "$URL" --key "$KEY" --status "$WORK/units.json" \
  --units "$UNITS" --first 40000 --patients 1 --mode protocol >"$WORK/units.log" 2>&1 & PIDS+=("$!")
until v=$(jget registered "$WORK/units.json" 2>/dev/null); (( ${v:-0} >= UNITS )); do sleep 0.2; done
sleep 15   # tiering and the attach's follow-up work settle
t0=$(ticks "$GW")
perf record -F 999 -g -p "$GW" -o "$OUT/perf.data" -- sleep "$SECONDS_MEASURED" 2>/dev/null
idle=$(awk -v a="$(ticks "$GW")" -v b="$t0" -v t="$(getconf CLK_TCK)" -v s="$SECONDS_MEASURED" 'BEGIN { printf "%.1f", (a-b)/t/s*100 }')
echo "gateway CPU, % of one core: empty ${empty}, with $UNITS idle units ${idle}"
perf report -i "$OUT/perf.data" --children --sort symbol --percent-limit 2 --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' \
  | sed -E 's/ +- +- *$//' | cut -c1-200 | head -70 >"$OUT/top-children.txt" || true
cat "$OUT/top-children.txt"; echo "perf.data in $OUT"
