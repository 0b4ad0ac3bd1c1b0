#!/usr/bin/env bash
# Routed reads with the audit trail: every GET /api/v1/patients/{id}/appointments waits for its
# audit_log row to commit (group commit, one writer) before it answers. Baseline in the same run:
#   live : GET /healthz/live (no auth, not audited)
#   read : GET /api/v1/patients/{id}/appointments -> JWT, access policy, directory, session, unit, audit row
# Gateway pinned to core 1; the unit and hey share core 0. Rounds alternate live/read.
#   bench/audited-reads.sh [seconds per run, default 10] [rounds, default 3] [connections, default 64]
# Prints the audit rows written per read as a check (must be 1.00).
set -euo pipefail
# One pinned core: promote hot code as a multi-core host would (see bench/run.sh).
export DOTNET_TC_DelaySingleProcMultiplier=1
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${1:-10}"; ROUNDS="${2:-3}"; CONNECTIONS="${3:-64}"
command -v sqlite3 >/dev/null || SQLITE=none
PORT=5493
source bench/single-unit-gateway.sh

cpu() { awk '{print $14+$15}' "/proc/$GWPID/stat"; }
TICK=$(getconf CLK_TCK)
READS=0
run() { # name, hey args...
  local name=$1; shift
  local before; before=$(cpu)
  local out; out=$(taskset -c 0 hey -z "${SECONDS_PER_RUN}s" -c "$CONNECTIONS" "$@")
  local after; after=$(cpu)
  local rps; rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  local total; total=$(grep -E '^\s+\[[0-9]+\]' <<<"$out" | awk '{s+=$2} END {print s}')
  [[ $name == read ]] && READS=$((READS + total))
  local codes; codes=$(grep -E '^\s+\[[0-9]+\]' <<<"$out" | awk '{printf "%s%s", sep, $1"x"$2; sep=" "}')
  local p50; p50=$(awk '/ 50% in/ {print $3*1000}' <<<"$out")
  local p99; p99=$(awk '/ 99% in/ {print $3*1000}' <<<"$out")
  local cpu_us; cpu_us=$(awk -v a="$after" -v b="$before" -v t="$TICK" -v n="$total" 'BEGIN {if (n>0) printf "%.0f", (a-b)/t/n*1e6; else print "-"}')
  printf "| %s | %s | %s | %s | %s | %s |\n" "$name" "$rps" "$cpu_us" "$p50" "$p99" "$codes"
}

echo "| run | req/s | gateway CPU us/request | p50 ms | p99 ms | status codes |"
echo "|---|---|---|---|---|---|"
for _ in $(seq 1 "$ROUNDS"); do
  run live "$URL/healthz/live"
  run read -H "Authorization: Bearer $TOKEN" "$URL/api/v1/patients/$P/appointments"
done
if [[ "${SQLITE:-}" != none ]]; then
  ROWS=$(sqlite3 "$DATA/gw/gateway.db" "SELECT COUNT(*) FROM audit_log WHERE subject = '$P' AND resource = 'appointments'")
  echo "audit rows for the bench patient: $ROWS (reads sent by hey: $READS, plus the warm-up polls)"
fi
