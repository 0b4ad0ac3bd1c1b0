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

declare -A CPU_SUM=()
measure() { run "$@"; CPU_SUM[$1]=$(( ${CPU_SUM[$1]:-0} + RUN_CPU_US )); }

# warm-up of both paths (not measured)
taskset -c 0 hey -z "${WARMUP:-20}s" -c "$CONNECTIONS" -H "Authorization: Bearer $TOKEN" "$V1" >/dev/null
taskset -c 0 hey -z "${WARMUP:-20}s" -c "$CONNECTIONS" -H "Authorization: Bearer $TOKEN" -H "Accept: application/fhir+json" "$FHIR" >/dev/null

echo "| run | req/s | gateway CPU us/request | p50 ms | p99 ms | status codes |"
echo "|---|---|---|---|---|---|"
for _ in $(seq 1 "$ROUNDS"); do
  measure v1 -H "Authorization: Bearer $TOKEN" "$V1"
  measure fhir -H "Authorization: Bearer $TOKEN" -H "Accept: application/fhir+json" "$FHIR"
done
awk -v a="${CPU_SUM[fhir]}" -v b="${CPU_SUM[v1]}" 'BEGIN {printf "fhir / v1 CPU per request (mean of rounds): %.2fx\n", a/b}'
