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

READS=0

echo "| run | req/s | gateway CPU us/request | p50 ms | p99 ms | status codes |"
echo "|---|---|---|---|---|---|"
for _ in $(seq 1 "$ROUNDS"); do
  run live "$URL/healthz/live"
  run read -H "Authorization: Bearer $TOKEN" "$URL/api/v1/patients/$P/appointments"
  READS=$((READS + RUN_TOTAL))
done
if [[ "${SQLITE:-}" != none ]]; then
  ROWS=$(sqlite3 "$DATA/gw/gateway.db" "SELECT COUNT(*) FROM audit_log WHERE subject = '$P' AND resource = 'appointments'")
  echo "audit rows for the bench patient: $ROWS (reads sent by hey: $READS, plus the warm-up polls)"
fi
