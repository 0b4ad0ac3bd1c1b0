#!/usr/bin/env bash
# Durable write acceptance: how many writes per second the gateway persists (journal, SQLite WAL)
# before answering 202, against two baselines measured in the same run on the same process:
#   live : GET /healthz/live              (Kestrel + routing, no auth)
#   auth : GET /api/v1/operations/{bogus} (the same ES256 JWT validation, no journal; answers 404)
#   write: POST .../appointments, Prefer: respond-async, to one offline unit (persist, then 202)
# Gateway pinned to core 1, load (hey) to core 0. Rounds alternate live/auth/write (ABAB).
#   bench/durable-writes.sh [seconds per run, default 10] [rounds, default 3] [connections, default 64]
# GATEWAY_ARGS="--Auth:TokenCacheSize 0" measures without the verified-token cache.
set -euo pipefail
# One pinned core: promote hot code as a multi-core host would (see bench/run.sh).
export DOTNET_TC_DelaySingleProcMultiplier=1
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${1:-10}"; ROUNDS="${2:-3}"; CONNECTIONS="${3:-64}"
PORT=5491
source bench/single-unit-gateway.sh
# The unit goes offline once its patients are registered: writes queue durably for it.
kill "$UNITPID"; wait "$UNITPID" 2>/dev/null || true
echo '{"startsAt":"2030-01-01T09:00:00Z","durationMinutes":30,"clinician":"Dr. Bench","reason":"bench"}' >"$DATA/body.json"

echo "| run | req/s | gateway CPU us/request | p50 ms | p99 ms | status codes |"
echo "|---|---|---|---|---|---|"
for _ in $(seq 1 "$ROUNDS"); do
  run live "$URL/healthz/live"
  run auth -H "Authorization: Bearer $TOKEN" "$URL/api/v1/operations/00000000000000000000000000000000.unit-r"
  run write -m POST -T application/json -D "$DATA/body.json" -H "Authorization: Bearer $TOKEN" -H "Prefer: respond-async" \
    "$URL/api/v1/patients/$P/appointments"
done
