#!/usr/bin/env bash
# CPU profile of a routed, audited read at steady state (Linux perf with .NET perf maps; ADR 24):
# one gateway pinned to core 1, one UnitNode and hey on core 0, a warm-up, then `perf record` on the gateway
# for the measured run. Prints the top symbols (self and with children) and leaves perf.data in bench/results/.
#   bench/read-profile.sh [seconds to record, default 20] [connections, default 64]     (needs perf: apt-get install -y linux-perf)
set -euo pipefail
# W^X off: with it on, JIT code runs from a memfd double mapping that perf cannot match to the perf map.
export DOTNET_TC_DelaySingleProcMultiplier=1 DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${1:-20}"; CONNECTIONS="${2:-64}"; PORT=5494
source bench/single-unit-gateway.sh
OUT="bench/results/$(date -u +%Y%m%dT%H%M%SZ)-read-profile"; mkdir -p "$OUT"

SECONDS_PER_RUN=25 run warm-up -H "Authorization: Bearer $TOKEN" "$URL/api/v1/patients/$P/appointments" >/dev/null
perf record -F 999 -g -p "$GWPID" -o "$OUT/perf.data" -- sleep "$SECONDS_PER_RUN" 2>/dev/null &
PERF=$!
echo "| run | req/s | gateway CPU us/request | p50 ms | p99 ms | status codes |"
echo "|---|---|---|---|---|---|"
run read -H "Authorization: Bearer $TOKEN" "$URL/api/v1/patients/$P/appointments"
wait "$PERF" || true
perf report -i "$OUT/perf.data" --no-children --sort symbol --percent-limit 0.7 --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -60 >"$OUT/top-self.txt" || true
perf report -i "$OUT/perf.data" --children --sort symbol --percent-limit 2 --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -80 >"$OUT/top-children.txt" || true
echo "## self"; cat "$OUT/top-self.txt"; echo "## with children"; cat "$OUT/top-children.txt"
echo "perf.data and reports in $OUT"
