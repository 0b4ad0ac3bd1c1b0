#!/usr/bin/env bash
# FHIR search vs the equivalent /api/v1 read, same gateway, same patient, same run (issue #14: <= 1.3x the CPU):
#   v1   : GET /api/v1/patients/{id}/appointments             -> the contract as JSON
#   fhir : GET /fhir/r4/Appointment?patient=Patient/{id}       -> the same read, mapped to a searchset Bundle
# Both go through JWT, access policy, directory, unit and audit row; the difference is the FHIR mapping and serializer.
# Gateway pinned to core 1; the unit and hey share core 0. Rounds alternate v1/fhir (ABAB).
#   bench/fhir-search.sh [seconds per run, default 10] [rounds, default 3] [connections, default 64]
set -euo pipefail
# One pinned core: promote hot code as a multi-core host would (see bench/run.sh).
export DOTNET_TC_DelaySingleProcMultiplier=1
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${1:-10}"; ROUNDS="${2:-3}"; CONNECTIONS="${3:-64}"
PORT=5494
source bench/single-unit-gateway.sh
V1="$URL/api/v1/patients/$P/appointments"
FHIR="$URL/fhir/r4/Appointment?patient=Patient/$P"
echo "payload bytes: v1 $(curl -s -H "Authorization: Bearer $TOKEN" "$V1" | wc -c), fhir $(curl -s -H "Authorization: Bearer $TOKEN" "$FHIR" | wc -c)"

cpu() { awk '{print $14+$15}' "/proc/$GWPID/stat"; }
TICK=$(getconf CLK_TCK)
declare -A CPU_SUM=() N=()
run() { # name, hey args...
  local name=$1; shift
  local before; before=$(cpu)
  local out; out=$(taskset -c 0 hey -z "${SECONDS_PER_RUN}s" -c "$CONNECTIONS" "$@")
  local after; after=$(cpu)
  local rps; rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  local total; total=$(grep -E '^\s+\[[0-9]+\]' <<<"$out" | awk '{s+=$2} END {print s}')
  local codes; codes=$(grep -E '^\s+\[[0-9]+\]' <<<"$out" | awk '{printf "%s%s", sep, $1"x"$2; sep=" "}')
  local p50; p50=$(awk '/ 50% in/ {print $3*1000}' <<<"$out")
  local p99; p99=$(awk '/ 99% in/ {print $3*1000}' <<<"$out")
  local cpu_us; cpu_us=$(awk -v a="$after" -v b="$before" -v t="$TICK" -v n="$total" 'BEGIN {if (n>0) printf "%.0f", (a-b)/t/n*1e6; else print "-"}')
  CPU_SUM[$name]=$(( ${CPU_SUM[$name]:-0} + cpu_us )); N[$name]=$(( ${N[$name]:-0} + 1 ))
  printf "| %s | %s | %s | %s | %s | %s |\n" "$name" "$rps" "$cpu_us" "$p50" "$p99" "$codes"
}

# warm-up of both paths (not measured)
taskset -c 0 hey -z "${WARMUP:-20}s" -c "$CONNECTIONS" -H "Authorization: Bearer $TOKEN" "$V1" >/dev/null
taskset -c 0 hey -z "${WARMUP:-20}s" -c "$CONNECTIONS" -H "Authorization: Bearer $TOKEN" -H "Accept: application/fhir+json" "$FHIR" >/dev/null

echo "| run | req/s | gateway CPU us/request | p50 ms | p99 ms | status codes |"
echo "|---|---|---|---|---|---|"
for _ in $(seq 1 "$ROUNDS"); do
  run v1 -H "Authorization: Bearer $TOKEN" "$V1"
  run fhir -H "Authorization: Bearer $TOKEN" -H "Accept: application/fhir+json" "$FHIR"
done
awk -v a="${CPU_SUM[fhir]}" -v b="${CPU_SUM[v1]}" 'BEGIN {printf "fhir / v1 CPU per request (mean of rounds): %.2fx\n", a/b}'
